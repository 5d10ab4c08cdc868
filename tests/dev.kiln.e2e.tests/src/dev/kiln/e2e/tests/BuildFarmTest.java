package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.kiln.testing.RealNix;

/**
 * The whole farm: a graph made by {@code nix-instantiate} is submitted with {@code kiln build submit} to a coordinator
 * with two agents, each with its own store. Half the graph is for a system only the second agent builds, and that agent
 * hands its builds to a real Nix (its {@code nix} executor), so inputs cross both ways between the agents' own builder
 * and Nix through the coordinator's cache. Every output must be the one Nix builds, the failing builds and those
 * waiting on them must end as they should, and Nix must substitute the outputs from the coordinator, signed.
 */
class BuildFarmTest {

    private static final String OTHER_SYSTEM = "kiln-e2e-other";
    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(300);
    /** A store under the test's directory builds in Nix's sandbox, which is shown the host's programs. */
    private static final String SANDBOX_PATHS = "/bin /usr /lib /lib64";
    private static final Set<String> FINAL = Set.of("succeeded", "failed", "canceled", "dependency-failed");

    /** 24 derivations: multiple outputs, a fixed output, a source, a chain, two systems, a failure on each and their dependents. */
    private static final String GRAPH = """
            let
              linux = "x86_64-linux";
              other = "%s";
              mk = name: system: script: extra:
                derivation ({ inherit name system; builder = "/bin/sh"; args = [ "-c" script ]; } // extra);
              base = mk "base" linux
                "/bin/mkdir -p $out/bin $dev; /bin/echo base > $out/bin/base; /bin/echo $out > $dev/for"
                { outputs = [ "out" "dev" ]; };
              fixed = mk "fixed" linux "/bin/echo fixed > $out"
                { outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "%s"; };
              layer = i: previous: mk "layer-${toString i}" linux
                "/bin/mkdir $out; /bin/cat ${previous} ${./source.txt} > $out/text; /bin/echo ${toString i} >> $out/text; /bin/ln -s ${base.dev}/for $out/for" {};
              chain = i: if i == 0 then [] else
                let rest = chain (i - 1);
                in [ (layer i (if i == 1 then "${fixed}" else "${builtins.head rest}/text")) ] ++ rest;
              layers = chain 12;
              others = map (j: mk "other-${toString j}" other
                "/bin/mkdir $out; /bin/cat ${builtins.elemAt layers (j * 3)}/text > $out/copy; /bin/ln -s ${base}/bin/base $out/base" {})
                [ 0 1 2 3 ];
              top = mk "top" linux
                "/bin/mkdir $out; for i in ${builtins.concatStringsSep " " others}; do /bin/cat $i/copy >> $out/all; done" {};
              broken = mk "broken" linux "/bin/echo the broken builder gives up; exit 3" {};
              afterBroken = mk "after-broken" linux "/bin/cat ${broken} > $out" {};
              afterAfterBroken = mk "after-after-broken" other "/bin/cat ${afterBroken} > $out" {};
              brokenOther = mk "broken-other" other "/bin/echo the other broken builder gives up; exit 3" {};
              afterBrokenOther = mk "after-broken-other" linux "/bin/cat ${brokenOther} > $out" {};
            in [ top afterAfterBroken afterBrokenOther ]
            """;

    @Test
    void buildsAGraphAcrossTwoAgentsAsNixDoesAndServesItToNix(@TempDir Path temp) throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        Files.writeString(nix.directory().resolve("source.txt"), "a source\n");
        Path expression = Files.writeString(nix.directory().resolve("graph.nix"), GRAPH.formatted(OTHER_SYSTEM, HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest("fixed\n".getBytes(StandardCharsets.UTF_8)))));
        List<String> tops = succeed(nix, "nix-instantiate", "--store", nix.store("reference"), expression.toString())
                .lines().toList();
        assertEquals(3, tops.size(), tops.toString());
        List<Path> drvFiles;
        try (Stream<Path> files = Files.list(nix.storeFiles("reference"))) {
            drvFiles = files.filter(file -> file.toString().endsWith(".drv")).sorted().toList();
        }
        assertEquals(24, drvFiles.size(), drvFiles.toString());

        // What Nix makes of it: every output but those of the failing part.
        succeed(nix, "nix-store", "--store", nix.store("reference"), "--option", "extra-platforms", OTHER_SYSTEM, "--option", "sandbox-paths", SANDBOX_PATHS,
                "--realise", tops.get(0));
        List<String> closure = succeed(nix, "nix-store", "--store", nix.store("reference"), "--query", "--requisites",
                "--include-outputs", tops.get(0)).lines().toList();
        String source = closure.stream().filter(path -> path.endsWith("-source.txt")).findFirst().orElseThrow();
        Map<String, String> expectedHashes = new TreeMap<>();
        for (String path : closure) {
            if (!path.endsWith(".drv") && !path.equals(source)) {
                expectedHashes.put(path, succeed(nix, "nix-store", "--store", nix.store("reference"), "--query",
                        "--hash", path));
            }
        }
        assertEquals(20, expectedHashes.size(), "outputs Nix built: " + expectedHashes.keySet());

        try (Farm farm = Farm.start(temp.resolve("farm"))) {
            // The source comes to the coordinator as Nix uploads to any binary cache, with the client token.
            String token = Files.readString(farm.coordinatorState().resolve("client-token")).strip();
            Path netrc = Files.writeString(nix.directory().resolve("netrc"), "machine 127.0.0.1 login kiln password " + token + "\n");
            succeed(nix, "nix", "copy", "--no-check-sigs", "--store", nix.store("reference"), "--option", "netrc-file", netrc.toString(),
                    "--to", farm.clientUrl(), source);

            String key = farm.kiln("cache", "public-key").succeeded(List.of("kiln cache public-key")).strip();
            farm.startAgent("linux-agent", "x86_64-linux", 2);
            Map<String, String> agentNix = new HashMap<>(nix.environment());
            // Nix builds in its sandbox for a store under the test's directory, and for the second system too.
            agentNix.put("NIX_CONFIG", "extra-platforms = " + OTHER_SYSTEM + "\nsandbox-paths = " + SANDBOX_PATHS + "\n");
            String nixAgentStore = "local?root=" + farm.startNixAgent("nix-agent", OTHER_SYSTEM, 2, agentNix, key);
            List<String> submit = new ArrayList<>(List.of("build", "submit"));
            drvFiles.forEach(file -> submit.add(file.toString()));
            JsonNode submitted = farm.kilnJson(submit.toArray(String[]::new));
            Map<String, String> buildIds = new HashMap<>();
            for (JsonNode result : submitted) {
                assertEquals("created", result.path("outcome").asText(), result.toString());
                buildIds.put(name(result.path("derivation").asText()), result.path("id").asText());
            }
            assertEquals(24, buildIds.size());

            Map<String, JsonNode> builds = awaitFinal(farm, buildIds);
            for (Map.Entry<String, JsonNode> build : builds.entrySet()) {
                String expectedState = switch (build.getKey()) {
                    case "broken", "broken-other" -> "failed";
                    case "after-broken", "after-after-broken", "after-broken-other" -> "dependency-failed";
                    default -> "succeeded";
                };
                assertEquals(expectedState, build.getValue().path("state").asText(), build.getKey() + ": "
                        + build.getValue() + "\n" + farm.logs());
            }
            Map<String, String> builtHashes = new TreeMap<>();
            for (JsonNode build : builds.values()) {
                for (JsonNode output : build.path("outputs")) {
                    builtHashes.put(output.path("path").asText(), output.path("narHash").asText());
                }
            }
            assertEquals(expectedHashes, builtHashes, "every output is the one Nix builds");
            assertEquals(OTHER_SYSTEM, builds.get("other-0").path("system").asText());
            assertTrue(!builds.get("other-0").path("agent").asText().equals(builds.get("top").path("agent").asText()),
                    "the two systems were built by different agents");

            String log = farm.kiln("build", "log", buildIds.get("broken")).succeeded(List.of("kiln build log"));
            assertTrue(log.contains("the broken builder gives up"), log);
            String nixLog = farm.kiln("build", "log", buildIds.get("broken-other")).succeeded(List.of("kiln build log"));
            assertTrue(nixLog.contains("the other broken builder gives up"), nixLog);

            // The Nix agent's Nix built the second system's outputs, and substituted their inputs, which the first
            // agent built, from the coordinator: Nix marks the paths it built itself "ultimate".
            Map<String, Boolean> builtByNix = new TreeMap<>();
            for (JsonNode info : Farm.JSON.readTree(succeed(nix, "nix", "path-info", "--json", "--store", nixAgentStore,
                    out(builds, "other-0"), out(builds, "layer-12"), out(builds, "base")))) {
                builtByNix.put(info.path("path").asText(), info.path("ultimate").asBoolean(false));
            }
            assertEquals(Map.of(out(builds, "other-0"), true, out(builds, "layer-12"), false,
                    out(builds, "base"), false), builtByNix, "what the Nix agent's store holds");

            // A real Nix substitutes the whole closure of the top output from the coordinator, signatures required.
            String topOutput = out(builds, "top");
            succeed(nix, "nix-store", "--store", nix.store("client"), "--option", "substituters", farm.clientUrl(),
                    "--option", "sandbox-paths", SANDBOX_PATHS, "--option", "trusted-public-keys", key, "--option", "require-sigs", "true", "--realise", topOutput);
            for (String path : succeed(nix, "nix-store", "--store", nix.store("client"), "--query", "--requisites",
                    topOutput).lines().toList()) {
                if (!path.equals(source)) {
                    assertEquals(expectedHashes.get(path), succeed(nix, "nix-store", "--store", nix.store("client"),
                            "--query", "--hash", path), path);
                }
            }
            RealNix.Result unsigned = nix.runAllowingFailure("nix-store", "--store", nix.store("stranger"), "--option", "substituters",
                    farm.clientUrl(), "--option", "trusted-public-keys", "other:" + "A".repeat(43) + "=",
                    "--option", "require-sigs", "true", "--realise", topOutput);
            assertTrue(unsigned.exitCode() != 0, "a Nix that trusts another key substitutes nothing: " + unsigned.stderr());
        }
    }

    private static String succeed(RealNix nix, String... arguments) throws IOException {
        return nix.run(arguments).strip();
    }

    private static Map<String, JsonNode> awaitFinal(Farm farm, Map<String, String> buildIds) throws Exception {
        long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
        while (true) {
            Map<String, JsonNode> builds = new TreeMap<>();
            for (JsonNode build : farm.get("/api/v1/builds?limit=1000").path("builds")) {
                builds.put(name(build.path("derivation").asText()), build);
            }
            boolean done = builds.keySet().containsAll(buildIds.keySet())
                    && builds.values().stream().allMatch(build -> FINAL.contains(build.path("state").asText()));
            if (done) {
                return builds;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder states = new StringBuilder();
                builds.forEach((name, build) -> states.append(name).append(": ").append(build.path("state").asText())
                        .append('\n'));
                throw new AssertionError("the builds are final within " + BUILD_TIMEOUT.toSeconds() + " s:\n" + states
                        + farm.logs());
            }
            Thread.sleep(500);
        }
    }

    /** @return the store path of the {@code out} output of the build of a derivation, by the derivation's name */
    private static String out(Map<String, JsonNode> builds, String name) {
        for (JsonNode output : builds.get(name).path("outputs")) {
            if (output.path("name").asText().equals("out")) {
                return output.path("path").asText();
            }
        }
        throw new AssertionError(name + " has an output named out: " + builds.get(name));
    }

    /** The derivation's name: {@code /nix/store/<hash>-layer-3.drv} is {@code layer-3}. */
    private static String name(String drvPath) {
        String baseName = drvPath.substring(drvPath.lastIndexOf('/') + 1);
        return baseName.substring(33, baseName.length() - ".drv".length());
    }
}
