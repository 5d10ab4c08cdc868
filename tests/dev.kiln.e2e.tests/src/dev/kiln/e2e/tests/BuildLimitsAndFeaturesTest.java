package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;


/**
 * Builds that go where they can run and stop where they must, on a farm of the real products with derivations made by
 * {@code nix-instantiate}: a build that requires {@code kvm} waits, saying so, until an agent with kvm comes, and goes
 * only there; an agent with big-parallel mandatory takes nothing else; builders that outlive their timeout, stay
 * silent, write 50 MiB of log against a 1 MiB limit or make an output over its limit each end with their own kind; bad
 * limits are refused before anything is submitted.
 */
class BuildLimitsAndFeaturesTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final long MIB = 1024 * 1024;

    private static final String DERIVATIONS = """
            let
              mk = name: script: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh";
                args = [ "-c" script ]; } // extra);
            in {
              vm = mk "vm-test" "/bin/echo in a vm > $out" { requiredSystemFeatures = [ "kvm" ]; };
              big = mk "big-build" "/bin/echo big > $out" { requiredSystemFeatures = [ "big-parallel" ]; };
              plain = mk "plain" "/bin/echo plain > $out" {};
              slow = mk "slow" "/bin/echo starting; /bin/sleep 120; /bin/echo done > $out" {};
              silent = mk "silent" "/bin/echo one line; /bin/sleep 120; /bin/echo done > $out" {};
              chatty = mk "chatty" "/usr/bin/yes 0123456789abcdefghijklmnopqrstuvwxyz | /usr/bin/head -c 52428800; /bin/echo > $out" {};
              large = mk "large" "/usr/bin/yes | /usr/bin/head -c 2097152 > $out" {};
            }
            """;

    @Test
    void buildsGoWhereTheyCanRunAndStopWhereTheyMust(@TempDir Path temp) throws Exception {
        Map<String, Path> drv = Farm.instantiate(temp.resolve("nix"), DERIVATIONS,
                List.of("vm", "big", "plain", "slow", "silent", "chatty", "large"));

        try (Farm farm = Farm.start(temp.resolve("farm"))) {
            String plainAgent = farm.startAgent("plain-agent", "x86_64-linux", 4, List.of());
            String bigAgent = farm.startAgent("big-agent", "x86_64-linux", 2,
                    List.of("--mandatory-features", "big-parallel"));

            // Bad limits: one line, a non-zero exit, and nothing submitted.
            for (List<String> bad : List.of(List.of("--timeout", "-1"), List.of("--max-silent-time", "soon"),
                    List.of("--timeout", "40000000"), List.of("--max-log-size", "12X"))) {
                List<String> command = new ArrayList<>(List.of("build", "submit"));
                command.addAll(bad);
                command.add(drv.get("plain").toString());
                Command refused = farm.kiln(command.toArray(String[]::new));
                assertNotEquals(0, refused.exitCode(), bad + ": " + refused.out());
                assertTrue(refused.err().startsWith("kiln: " + bad.get(0) + " must "), bad + " says why: "
                        + refused.err());
                assertEquals(1, refused.err().lines().count(), bad + " is refused in one line: " + refused.err());
            }
            assertEquals(0, farm.get("/api/v1/builds").path("builds").size(), "nothing was submitted");
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(farm.clientUrl() + "/api/v1/builds")).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"derivations\": [], \"builds\": [{\"derivation\": \"/nix/store/"
                                    + "00000000000000000000000000000000-x.drv\", \"timeout\": \"abc\"}]}"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer "
                            + Files.readString(farm.coordinatorState().resolve("client-token")).strip()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, answer.statusCode(), answer.body());
            assertTrue(Farm.JSON.readTree(answer.body()).path("error").isTextual(), answer.body());

            String vm = farm.submit(drv.get("vm"));
            String big = farm.submit(drv.get("big"));
            String plain = farm.submit(drv.get("plain"));
            awaitState(farm, big, "succeeded");
            awaitState(farm, plain, "succeeded");
            assertEquals(bigAgent, farm.build(big).path("agent").asText(), "only the big agent takes big builds");
            assertEquals(plainAgent, farm.build(plain).path("agent").asText(), "the big agent takes nothing else");
            Farm.awaitUntil("the kvm build says no agent has kvm", WAIT, temp.resolve("farm/coordinator.log"),
                    () -> "no agent has kvm".equals(farm.build(vm).path("unallocatable").asText(null)));
            assertEquals("scheduled", farm.build(vm).path("state").asText());
            assertTrue(farm.kiln("build", "show", vm).succeeded(List.of("kiln build show")).contains("no agent has kvm"));

            String kvmAgent = farm.startAgent("kvm-agent", "x86_64-linux", 1, List.of("--features", "kvm"));
            awaitState(farm, vm, "succeeded");
            assertEquals(kvmAgent, farm.build(vm).path("agent").asText());
            assertEquals(List.of("kvm"), List.of(farm.build(vm).path("requiredFeatures").get(0).asText()));

            Map<String, String> expected = Map.of(
                    farm.submit(drv.get("slow"), "--timeout", "3"), "timed-out",
                    farm.submit(drv.get("silent"), "--max-silent-time", "3"), "silent",
                    farm.submit(drv.get("chatty"), "--max-log-size", "1M"), "log-limit",
                    farm.submit(drv.get("large"), "--max-output-size", "1M"), "output-limit");
            for (Map.Entry<String, String> build : expected.entrySet()) {
                awaitState(farm, build.getKey(), "failed");
                assertEquals(build.getValue(), farm.build(build.getKey()).path("failureKind").asText(),
                        farm.logs());
            }
            JsonNode listed = farm.kilnJson("build", "list", "--state", "failed");
            Set<String> kinds = new java.util.TreeSet<>();
            listed.forEach(build -> kinds.add(build.path("failureKind").asText()));
            assertEquals(new java.util.TreeSet<>(expected.values()), kinds, listed.toString());

            String chatty = expected.entrySet().stream().filter(e -> e.getValue().equals("log-limit")).findFirst()
                    .orElseThrow().getKey();
            String log = farm.kiln("build", "log", chatty).succeeded(List.of("kiln build log"));
            assertTrue(log.length() > MIB && log.length() < MIB + 4096, "the log is cut at 1 MiB: " + log.length());
            assertTrue(log.strip().endsWith("[kiln: the log reached its limit of 1048576 bytes; the build was stopped]"),
                    log.substring(log.length() - 200));
            String large = expected.entrySet().stream().filter(e -> e.getValue().equals("output-limit")).findFirst()
                    .orElseThrow().getKey();
            assertEquals(0, farm.build(large).path("outputs").size(), "the large output was not uploaded");
        }
    }

    private static void awaitState(Farm farm, String id, String state) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!state.equals(farm.build(id).path("state").asText())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("build " + id + " is " + farm.build(id) + ", not " + state + ":\n"
                        + farm.logs());
            }
            Thread.sleep(200);
        }
    }
}
