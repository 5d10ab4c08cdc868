package dev.kiln.execution.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.execution.BuildRequest;
import dev.kiln.execution.BuildResult;
import dev.kiln.execution.BuildResult.Status;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarWriter;

/**
 * The native executor builds real {@code nix-instantiate}d derivations, directly and in a bubblewrap sandbox with
 * the store elsewhere, and its outputs have the NAR hashes and references that {@code nix-store --realise} gives
 * the same derivations; failures, time limits and bad outputs end as they should.
 */
class NativeExecutorTest {

    private static final String EXPRESSION = """
            let
              sh = "/bin/sh";
              system = "x86_64-linux";
              base = derivation { name = "base"; inherit system; builder = sh;
                args = [ "-c" "/bin/mkdir -p $out/bin $dev; /bin/echo '#!/bin/sh' > $out/bin/hello; /bin/chmod +x $out/bin/hello; /bin/echo $out > $dev/for" ];
                outputs = [ "out" "dev" ]; };
              flat = derivation { name = "flat"; inherit system; builder = sh; args = [ "-c" "/bin/echo fixed > $out" ];
                outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "%s"; };
              recursive = derivation { name = "recursive"; inherit system; builder = sh; args = [ "-c" "/bin/echo fixed > $out" ];
                outputHashMode = "recursive"; outputHashAlgo = "sha1"; outputHash = "%s"; };
              md5 = derivation { name = "md5"; inherit system; builder = sh; args = [ "-c" "/bin/echo fixed > $out" ];
                outputHashMode = "flat"; outputHashAlgo = "md5"; outputHash = "%s"; };
            in {
              inherit base flat recursive md5;
              top = derivation { name = "top"; inherit system; builder = sh; greeting = "hello\\nworld"; passAsFile = [ "greeting" ];
                args = [ "-c" "/bin/mkdir $out; /bin/cat $greetingPath ${./src.txt} ${./srcdir}/a ${base.dev}/for ${flat} ${recursive} ${md5} > $out/all; /bin/ln -s ${base}/bin/hello $out/hello" ]; };
            }
            """;

    @TempDir
    static Path temporary;

    private static NixRunner nix;
    private static StoreDir storeDir;
    /** The derivations in build order, by {@code .drv} path. */
    private static final Map<StorePath, Derivation> DERIVATIONS = new LinkedHashMap<>();

    @BeforeAll
    static void instantiate() throws Exception {
        nix = NixRunner.require(Files.createDirectories(temporary.resolve("nix")));
        storeDir = new StoreDir(nix.storeDir().toString());
        Path work = Files.createDirectories(temporary.resolve("expr"));
        Files.writeString(work.resolve("src.txt"), "source\n");
        Files.createDirectories(work.resolve("srcdir"));
        Files.writeString(work.resolve("srcdir/a"), "a\n");
        Files.writeString(work.resolve("default.nix"), EXPRESSION.formatted(
                Hash.of(HashAlgorithm.SHA256, "fixed\n").toSri(), sha1OfFixedNar(), md5OfFixedFile()));
        List<StorePath> tops = new ArrayList<>();
        for (String line : nix.run("nix-instantiate", work.resolve("default.nix").toString()).split("\n")) {
            if (!line.isBlank()) {
                tops.add(storeDir.parsePath(line.strip()));
            }
        }
        for (StorePath top : tops) {
            addInOrder(top);
        }
    }

    private static String sha1OfFixedNar() throws IOException {
        Path file = Files.writeString(temporary.resolve("fixed"), "fixed\n");
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA1, OutputStream.nullOutputStream());
        NarWriter.write(file, hashing);
        return hashing.digest().narHash().toBase16();
    }

    private static String md5OfFixedFile() throws IOException {
        return Hash.of(HashAlgorithm.MD5, "fixed\n").toBase16();
    }

    private static void addInOrder(StorePath drvPath) throws Exception {
        if (DERIVATIONS.containsKey(drvPath)) {
            return;
        }
        Derivation derivation = Derivation.parse(drvPath, Files.readAllBytes(Path.of(drvPath.toString())));
        for (StorePath input : derivation.inputDrvs().keySet()) {
            addInOrder(input);
        }
        DERIVATIONS.put(drvPath, derivation);
    }

    @Test
    void buildsLikeNixDirectlyAndSandboxed() throws Exception {
        Path sandboxRoot = Files.createDirectories(temporary.resolve("kiln-root"));
        Map<StorePath, BuiltOutput> sandboxed = buildAll(sandboxRoot, sandbox());
        Map<StorePath, BuiltOutput> direct = buildAll(nix.storeDir(), null);
        for (BuiltOutput output : direct.values()) {
            try (Stream<Path> files = Files.walk(Path.of(output.path().toString()))) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        for (StorePath drvPath : DERIVATIONS.keySet()) {
            nix.run("nix-store", "--realise", drvPath.toString());
        }
        assertEquals(DERIVATIONS.values().stream().mapToInt(d -> d.outputs().size()).sum(), direct.size());
        for (BuiltOutput output : direct.values()) {
            String path = output.path().toString();
            assertEquals(nix.run("nix-store", "--query", "--hash", path).strip(), output.nar().narHash().toPrefixedBase32(),
                    "NarHash of " + path);
            assertEquals(nix.run("nix-store", "--query", "--size", path).strip(), Long.toString(output.nar().narSize()));
            TreeSet<String> references = new TreeSet<>(List.of(nix.run("nix-store", "--query", "--references", path)
                    .strip().split("\n")));
            references.remove("");
            assertEquals(references, new TreeSet<>(output.references().stream().map(StorePath::toString).toList()),
                    "references of " + path);
            assertEquals(output.nar(), sandboxed.get(output.path()).nar(), "sandboxed NarHash of " + path);
            assertEquals(output.references(), sandboxed.get(output.path()).references());
        }
    }

    /** Builds every derivation in order into a store root, with the closure of each one's inputs. */
    private static Map<StorePath, BuiltOutput> buildAll(Path storeRoot, BuildRequest.Sandbox sandbox) throws Exception {
        Map<StorePath, BuiltOutput> built = new HashMap<>();
        Map<StorePath, Set<StorePath>> references = new HashMap<>();
        int index = 0;
        for (Map.Entry<StorePath, Derivation> entry : DERIVATIONS.entrySet()) {
            Derivation derivation = entry.getValue();
            Set<StorePath> inputs = new HashSet<>();
            for (StorePath source : derivation.inputSrcs()) {
                inputs.add(source);
                references.put(source, Set.of());
                if (!storeRoot.equals(nix.storeDir())) {
                    StoreFiles.copyTree(Path.of(source.toString()), storeRoot.resolve(source.baseName()));
                }
            }
            for (Map.Entry<StorePath, SortedSet<String>> input : derivation.inputDrvs().entrySet()) {
                Derivation inputDerivation = DERIVATIONS.get(input.getKey());
                for (String name : input.getValue()) {
                    inputs.add(inputDerivation.outputs().get(name).path().orElseThrow());
                }
            }
            Set<StorePath> closure = new HashSet<>();
            List<StorePath> pending = new ArrayList<>(inputs);
            while (!pending.isEmpty()) {
                StorePath next = pending.removeLast();
                if (closure.add(next)) {
                    pending.addAll(references.get(next));
                }
            }
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            BuildResult result = new NativeExecutor().build(request(entry.getKey(), derivation, storeRoot,
                    temporary.resolve("build-" + (sandbox == null ? "direct-" : "sandbox-") + index++), closure,
                    sandbox, Duration.ZERO, log));
            assertEquals(Status.SUCCEEDED, result.status(), () -> result.message() + "\n" + log);
            for (BuiltOutput output : result.outputs().values()) {
                built.put(output.path(), output);
                references.put(output.path(), output.references());
            }
        }
        return built;
    }

    private static BuildRequest request(StorePath drvPath, Derivation derivation, Path storeRoot, Path buildDirectory,
            Set<StorePath> closure, BuildRequest.Sandbox sandbox, Duration timeout, ByteArrayOutputStream log)
            throws IOException {
        return new BuildRequest(drvPath, derivation, storeRoot, Files.createDirectories(buildDirectory), closure,
                sandbox, timeout, Duration.ZERO, 2, List.of(), List.of(), log);
    }

    private static BuildRequest.Sandbox sandbox() {
        return new BuildRequest.Sandbox(Path.of("/usr/bin/bwrap"),
                List.of(Path.of("/bin"), Path.of("/usr"), Path.of("/lib"), Path.of("/lib64")));
    }

    /** A derivation written by hand (not instantiated), enough for the executor, which does not check paths. */
    private static BuildResult buildScript(String name, String script, Map<String, String> extraEnv, Duration timeout,
            Duration maxSilent, ByteArrayOutputStream log, String outputHash) throws Exception {
        return buildScript(name, script, extraEnv, timeout, maxSilent, log, outputHash, sandbox());
    }

    /** {@link #buildScript} in the given sandbox, or directly when it is null; the build directory is adhoc-NAME/build. */
    private static BuildResult buildScript(String name, String script, Map<String, String> extraEnv, Duration timeout,
            Duration maxSilent, ByteArrayOutputStream log, String outputHash, BuildRequest.Sandbox sandbox)
            throws Exception {
        return buildScript(name, script, extraEnv, timeout, maxSilent, 0, 0, log, outputHash, sandbox);
    }

    /** {@link #buildScript} with limits on the log and the outputs' sizes. */
    private static BuildResult buildScript(String name, String script, Map<String, String> extraEnv, Duration timeout,
            Duration maxSilent, long maxLogBytes, long maxOutputBytes, ByteArrayOutputStream log, String outputHash,
            BuildRequest.Sandbox sandbox) throws Exception {
        Path root = Files.createDirectories(temporary.resolve("adhoc-" + name));
        StoreDir adhoc = new StoreDir(root.resolve("store").toString());
        Files.createDirectories(Path.of(adhoc.path()));
        StorePath out = adhoc.parseBaseName("0".repeat(32) + "-" + name);
        TreeMap<String, String> env = new TreeMap<>(extraEnv);
        env.put("out", out.toString());
        DerivationOutput output = outputHash == null
                ? new DerivationOutput.InputAddressed(out)
                : new DerivationOutput.Fixed(out, FileIngestionMethod.FLAT,
                        Hash.parse(outputHash));
        Derivation derivation = new Derivation(adhoc, name, new TreeMap<>(Map.of("out", output)),
                new TreeMap<>(), new TreeSet<>(), "x86_64-linux", "/bin/sh", List.of("-c", script), env);
        StorePath drvPath = adhoc.parseBaseName("1".repeat(32) + "-" + name + ".drv");
        return new NativeExecutor().build(new BuildRequest(drvPath, derivation, Path.of(adhoc.path()),
                Files.createDirectories(root.resolve("build")), Set.of(), sandbox, timeout, maxSilent, maxLogBytes,
                maxOutputBytes, 3, List.of(), List.of(), log));
    }

    @Test
    void givesTheBuilderNixsEnvironment() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult result = buildScript("env", "/usr/bin/env > $out; /bin/pwd >> $out", Map.of("custom", "value"),
                Duration.ZERO, Duration.ZERO, log, null);
        assertEquals(Status.SUCCEEDED, result.status(), log::toString);
        List<String> lines = Files.readAllLines(Path.of(result.outputs().get("out").path().toString()));
        for (String expected : List.of("NIX_BUILD_TOP=/build", "TMPDIR=/build", "TEMPDIR=/build", "TMP=/build",
                "TEMP=/build", "PWD=/build", "HOME=/homeless-shelter", "PATH=/path-not-set", "NIX_LOG_FD=2",
                "TERM=xterm-256color", "NIX_BUILD_CORES=3", "custom=value", "/build")) {
            assertTrue(lines.contains(expected), expected + " in " + lines);
        }
        assertTrue(lines.contains("NIX_STORE=" + result.outputs().get("out").path().storeDir().path()), lines::toString);
    }

    @Test
    void runsAnUnsandboxedBuilderInTheBuildDirectoryItself() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult result = buildScript("direct-env", "/bin/pwd > $out; /bin/echo $NIX_BUILD_TOP >> $out;"
                + " /bin/echo $TMPDIR >> $out; /bin/ls -A >> $out", Map.of(), Duration.ZERO, Duration.ZERO, log, null,
                null);
        assertEquals(Status.SUCCEEDED, result.status(), log::toString);
        String buildDirectory = temporary.resolve("adhoc-direct-env/build").toRealPath().toString();
        assertEquals(List.of(buildDirectory, buildDirectory, buildDirectory),
                Files.readAllLines(Path.of(result.outputs().get("out").path().toString())), "and nothing in it");
    }

    @Test
    void reportsAFailingBuilderWithItsLog() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult result = buildScript("failing", "/bin/echo about to fail; exit 3", Map.of(), Duration.ZERO,
                Duration.ZERO, log, null);
        assertEquals(Status.FAILED, result.status());
        assertTrue(result.message().contains("exit code 3"), result.message());
        assertEquals("about to fail\n", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsAMissingOutputAndAWrongFixedHash() throws Exception {
        BuildResult missing = buildScript("missing", "/bin/true", Map.of(), Duration.ZERO, Duration.ZERO,
                new ByteArrayOutputStream(), null);
        assertEquals(Status.OUTPUT_REJECTED, missing.status());
        assertTrue(missing.message().contains("failed to produce output path"), missing.message());
        BuildResult wrong = buildScript("wrong-hash", "/bin/echo other > $out", Map.of(), Duration.ZERO, Duration.ZERO,
                new ByteArrayOutputStream(), "sha256-mJIoKfLB9Mnt9X4zIvGbRx1/nxwYkHBGB2gyqJ10a+E=");
        assertEquals(Status.OUTPUT_REJECTED, wrong.status());
        assertTrue(wrong.message().contains("hash mismatch"), wrong.message());
    }

    @Test
    void killsABuildThatRunsOrStaysSilentTooLong() throws Exception {
        long start = System.nanoTime();
        BuildResult timedOut = buildScript("slow", "while :; do /bin/echo tick; /bin/sleep 0.1; done", Map.of(),
                Duration.ofSeconds(1), Duration.ZERO, new ByteArrayOutputStream(), null);
        assertEquals(Status.TIMED_OUT, timedOut.status());
        BuildResult silent = buildScript("silent", "/bin/sleep 60", Map.of(), Duration.ZERO, Duration.ofSeconds(1),
                new ByteArrayOutputStream(), null);
        assertEquals(Status.SILENT_TOO_LONG, silent.status());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
    }

    @Test
    void cutsALogAtItsLimitAndStopsTheBuild() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult chatty = buildScript("chatty", "/usr/bin/yes 0123456789 | /usr/bin/head -c 52428800; /bin/echo > $out",
                Map.of(), Duration.ZERO, Duration.ZERO, 1 << 20, 0, log, null, sandbox());
        assertEquals(Status.LOG_LIMIT, chatty.status(), chatty.message());
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals("0123456789\n".repeat(20).substring(0, 100), text.substring(0, 100));
        String last = "\n[kiln: the log reached its limit of 1048576 bytes; the build was stopped]\n";
        assertTrue(text.endsWith(last), text.substring(text.length() - 200));
        assertEquals((1 << 20) + last.length(), text.length());

        BuildResult quiet = buildScript("quiet", "/bin/echo a few bytes; /bin/echo > $out", Map.of(), Duration.ZERO,
                Duration.ZERO, 1 << 20, 0, new ByteArrayOutputStream(), null, sandbox());
        assertEquals(Status.SUCCEEDED, quiet.status(), quiet.message());
    }

    @Test
    void failsABuildWhoseOutputIsOverTheLimit() throws Exception {
        BuildResult large = buildScript("large", "/usr/bin/yes | /usr/bin/head -c 2097152 > $out", Map.of(),
                Duration.ZERO, Duration.ZERO, 0, 1 << 20, new ByteArrayOutputStream(), null, sandbox());
        assertEquals(Status.OUTPUT_LIMIT, large.status(), large.message());
        assertTrue(large.outputs().isEmpty());
        assertTrue(large.message().contains("over the limit of 1048576 bytes"), large.message());

        BuildResult small = buildScript("small", "/usr/bin/yes | /usr/bin/head -c 1000 > $out", Map.of(),
                Duration.ZERO, Duration.ZERO, 0, 1 << 20, new ByteArrayOutputStream(), null, sandbox());
        assertEquals(Status.SUCCEEDED, small.status(), small.message());
    }

    @Test
    void refusesAnUnsandboxedBuildWithTheStoreElsewhere() throws Exception {
        Derivation derivation = DERIVATIONS.values().iterator().next();
        IOException refused = assertThrows(IOException.class, () -> new NativeExecutor().build(request(
                DERIVATIONS.keySet().iterator().next(), derivation, temporary.resolve("elsewhere"),
                temporary.resolve("refused"), Set.of(), null, Duration.ZERO, new ByteArrayOutputStream())));
        assertTrue(refused.getMessage().contains("only a sandboxed build"), refused.getMessage());
    }

    @Test
    void keepsTheNetworkFromBuildsThatAreNotFixedOutput() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult result = buildScript("network", "/bin/cat /proc/net/dev > $out", Map.of(), Duration.ZERO,
                Duration.ZERO, log, null);
        assertEquals(Status.SUCCEEDED, result.status(), log::toString);
        String devices = Files.readString(Path.of(result.outputs().get("out").path().toString()));
        assertTrue(devices.contains("lo:"), devices);
        assertEquals(3, devices.strip().split("\n").length, "only the loopback device: " + devices);
    }
}
