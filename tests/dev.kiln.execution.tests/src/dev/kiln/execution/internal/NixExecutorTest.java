package dev.kiln.execution.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.execution.BuildRequest;
import dev.kiln.execution.BuildResult;
import dev.kiln.execution.BuildResult.Status;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;

/**
 * The Nix executor hands derivations to a real Nix whose store starts empty and whose only substituter is a binary
 * cache holding the {@code .drv} files and sources (made by {@code nix copy}, as the coordinator's cache would
 * serve them): Nix substitutes the derivations, builds, and the executor reports the outputs with the NAR hashes and
 * references Nix registered; a failing builder is a failed build; a derivation no cache has is an error, and so is
 * one only an unsigned cache after the first has.
 */
class NixExecutorTest {

    private static final String EXPRESSION = """
            let
              system = "x86_64-linux";
              dep = derivation { name = "dep"; inherit system; builder = "/bin/sh"; args = [ "-c" "/bin/echo dep > $out" ]; };
            in {
              inherit dep;
              top = derivation { name = "top"; inherit system; builder = "/bin/sh";
                args = [ "-c" "/bin/echo building top; /bin/cat ${dep} ${./src.txt} > $out; /bin/echo ${dep} >> $out" ]; };
              failing = derivation { name = "failing"; inherit system; builder = "/bin/sh";
                args = [ "-c" "/bin/echo giving up; exit 1" ]; };
              uncached = derivation { name = "uncached"; inherit system; builder = "/bin/sh"; args = [ "-c" "/bin/echo > $out" ]; };
              unsigned = derivation { name = "unsigned"; inherit system; builder = "/bin/sh"; args = [ "-c" "/bin/echo > $out" ]; };
              slow = derivation { name = "slow"; inherit system; builder = "/bin/sh";
                args = [ "-c" "while :; do /bin/echo tick; /bin/sleep 0.2; done" ]; };
              silent = derivation { name = "silent"; inherit system; builder = "/bin/sh"; args = [ "-c" "/bin/sleep 60" ]; };
              chatty = derivation { name = "chatty"; inherit system; builder = "/bin/sh";
                args = [ "-c" "/usr/bin/yes 0123456789 | /usr/bin/head -c 52428800; /bin/echo > $out" ]; };
              large = derivation { name = "large"; inherit system; builder = "/bin/sh";
                args = [ "-c" "/usr/bin/yes | /usr/bin/head -c 2097152 > $out" ]; };
            }
            """;

    @TempDir
    static Path temporary;

    private static NixRunner nix;
    private static StoreDir storeDir;
    private static URI cache;
    /** The derivations by attribute name, read before the store was emptied; the cache has all but dep's and uncached's. */
    private static final Map<String, Derivation> DERIVATIONS = new HashMap<>();

    @BeforeAll
    static void instantiateAndEmptyTheStore() throws Exception {
        nix = NixRunner.require(Files.createDirectories(temporary.resolve("nix")));
        storeDir = new StoreDir(nix.storeDir().toString());
        Path work = Files.createDirectories(temporary.resolve("expr"));
        Files.writeString(work.resolve("src.txt"), "source\n");
        Files.writeString(work.resolve("default.nix"), EXPRESSION);
        cache = URI.create("file://" + temporary.resolve("cache") + "?store=" + storeDir.path());
        for (String name : List.of("dep", "top", "failing", "uncached", "unsigned", "slow", "silent", "chatty",
                "large")) {
            StorePath drvPath = storeDir.parsePath(
                    nix.run("nix-instantiate", work.resolve("default.nix").toString(), "-A", name).strip());
            DERIVATIONS.put(name, Derivation.parse(drvPath, Files.readAllBytes(Path.of(drvPath.toString()))));
            if (!name.equals("dep") && !name.equals("uncached")) {
                nix.run("nix", "copy", "--derivation", "--to", cache.toString(), drvPath.toString());
            }
        }
        nix.run("nix-store", "--gc");
        assertFalse(Files.exists(Path.of(DERIVATIONS.get("top").drvPath().toString())), "the store was emptied");
    }

    private static BuildResult build(String name, ByteArrayOutputStream log) throws IOException, InterruptedException {
        return build(name, List.of(cache), log);
    }

    private static BuildResult build(String name, List<URI> substituters, ByteArrayOutputStream log)
            throws IOException, InterruptedException {
        return build(name, substituters, Duration.ofMinutes(5), Duration.ZERO, 0, 0, log);
    }

    private static BuildResult build(String name, List<URI> substituters, Duration timeout, Duration maxSilent,
            long maxLogBytes, long maxOutputBytes, ByteArrayOutputStream log) throws IOException, InterruptedException {
        Derivation derivation = DERIVATIONS.get(name);
        BuildRequest request = new BuildRequest(derivation.drvPath(), derivation, nix.storeDir(),
                Files.createTempDirectory(temporary, "build"), Set.of(), null, timeout, maxSilent, maxLogBytes,
                maxOutputBytes, 1, substituters, List.of(), log);
        return new NixExecutor(nix.environment("cache-" + name)).build(request);
    }

    @Test
    void stopsABuildAtEachOfItsLimitsWithItsOwnStatus() throws Exception {
        assertEquals(Status.TIMED_OUT, build("slow", List.of(cache), Duration.ofSeconds(2), Duration.ZERO, 0, 0,
                new ByteArrayOutputStream()).status());
        assertEquals(Status.SILENT_TOO_LONG, build("silent", List.of(cache), Duration.ZERO, Duration.ofSeconds(2), 0,
                0, new ByteArrayOutputStream()).status());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(Status.LOG_LIMIT, build("chatty", List.of(cache), Duration.ZERO, Duration.ZERO, 1 << 20, 0, log)
                .status());
        assertTrue(log.toString(StandardCharsets.UTF_8)
                .endsWith("[kiln: the log reached its limit of 1048576 bytes; the build was stopped]\n"));
        BuildResult large = build("large", List.of(cache), Duration.ZERO, Duration.ZERO, 0, 1 << 20,
                new ByteArrayOutputStream());
        assertEquals(Status.OUTPUT_LIMIT, large.status(), large.message());
    }

    @Test
    void substitutesTheDerivationsAndReportsWhatNixBuilt() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult result = build("top", log);
        assertEquals(Status.SUCCEEDED, result.status(), log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("building top"), "the builder's output is logged");

        Derivation top = DERIVATIONS.get("top");
        StorePath out = top.outputs().get("out").path().orElseThrow();
        StorePath depOut = DERIVATIONS.get("dep").outputs().get("out").path().orElseThrow();
        BuiltOutput built = result.outputs().get("out");
        assertEquals(out, built.path());
        assertEquals("dep\nsource\n" + depOut + "\n", Files.readString(Path.of(out.toString())));
        assertEquals(Set.of(depOut), built.references());
        assertEquals(nix.run("nix-store", "--query", "--hash", out.toString()).strip(),
                built.nar().narHash().toPrefixedBase32(), "the NAR hash Nix registered");
        assertEquals(nix.run("nix-store", "--query", "--size", out.toString()).strip(),
                Long.toString(built.nar().narSize()));
    }

    @Test
    void aFailingBuilderIsAFailedBuild() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult result = build("failing", log);
        assertEquals(Status.FAILED, result.status());
        assertTrue(result.outputs().isEmpty());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("giving up"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutTrustedKeysOnlyTheFirstCacheIsUsed() {
        URI coordinatorCache = URI.create("file://" + temporary.resolve("empty-cache") + "?store=" + storeDir.path());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        IOException error = assertThrows(IOException.class, () -> build("unsigned", List.of(coordinatorCache, cache), log));
        assertTrue(error.getMessage().contains("could not build"), error.getMessage() + "\n" + log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDerivationNoCacheHasCannotBeBuilt() {
        IOException error = assertThrows(IOException.class, () -> build("uncached", new ByteArrayOutputStream()));
        assertTrue(error.getMessage().contains("could not build"), error.getMessage());
    }
}
