package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/kiln} for a command other than {@code kiln coordinator}: it runs without the OSGi framework, keeps a class
 * cache per user and per build of the installation, written in the background after the first run, and prints on
 * standard output only what the command answers, on the first run as on the later ones.
 */
class ClientLaunchProductTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** A cache being written in the background: its lock {@code cli-KEY.lock}, or {@code cli-KEY.aot.PID} and such. */
    private static final Pattern ASSEMBLING = Pattern.compile("cli-.*\\.(lock|(aot|aotconf|jsa)\\.\\d+)");
    private static final Pattern CACHE = Pattern.compile("cli-.*\\.(aot|jsa)");

    /** What one run printed, each stream apart. */
    private record Run(int exit, String out, String err) {
    }

    @Test
    void clientCommandsRunWithoutTheFrameworkAndKeepAClassCache(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-coordinator", temp);
        Path cache = temp.resolve("cache");
        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(run(product, cache, tmp, "--version"));
            awaitNoAssembly(cache.resolve("kiln"));
        }
        for (Run run : runs) {
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().matches("kiln 0\\.1\\.0\\S*\n"), "only the version on standard output: " + run);
        }
        List<String> caches = caches(cache);
        assertEquals(1, caches.size(), "a class cache was written: " + caches);
        Run cached = runWith(product, cache, tmp, cacheRequired(caches.get(0)), "--version");
        assertEquals(0, cached.exit(), "the class cache can be used: " + cached.err());

        // The same installation rebuilt: a jar of the same name, changed. The old cache is not given to the JVM.
        try (Stream<Path> plugins = Files.list(product.home().resolve("plugins"))) {
            Path jar = plugins.filter(path -> path.getFileName().toString().startsWith("dev.kiln.cli_")).findFirst()
                    .orElseThrow();
            Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        }
        Run rebuilt = run(product, cache, tmp, "--version");
        assertEquals(0, rebuilt.exit(), rebuilt.err());
        awaitNoAssembly(cache.resolve("kiln"));
        List<String> both = caches(cache);
        assertEquals(2, both.size(), "a class cache for the rebuilt installation beside the old one: " + both);
        String fresh = both.stream().filter(name -> !name.equals(caches.get(0))).findFirst().orElseThrow();
        Run again = runWith(product, cache, tmp, cacheRequired(fresh), "build", "counts", "--coordinator",
                "http://127.0.0.1:1");
        assertEquals(3, again.exit(), "an unreachable coordinator, with the new cache: " + again);
        try (Stream<Path> areas = Files.list(tmp)) {
            assertEquals(List.of(), areas.toList(), "no OSGi configuration area was made for a client command");
        }

        Run offline = run(product, cache, tmp, "store", "generate-key", "test-1", "--directory", temp.toString());
        assertEquals(0, offline.exit(), offline.err());
        assertTrue(offline.out().contains("test-1:"), offline.out());

        Run coordinatorHelp = run(product, cache, tmp, "coordinator", "--help");
        assertEquals(0, coordinatorHelp.exit(), coordinatorHelp.err());
        assertTrue(coordinatorHelp.out().contains("--client-listen"), coordinatorHelp.out());
        try (Stream<Path> areas = Files.list(tmp)) {
            assertTrue(areas.anyMatch(area -> area.getFileName().toString().startsWith("kiln-osgi-")),
                    "kiln coordinator starts the framework");
        }
    }

    /** The class caches written in {@code cache}, by file name. */
    private static List<String> caches(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("kiln"))) {
            return files.map(path -> path.getFileName().toString()).filter(name -> CACHE.matcher(name).matches())
                    .toList();
        }
    }

    /** {@code KILN_JAVA_OPTS} that make a run fail unless it can use this class cache. */
    private static String cacheRequired(String cacheName) {
        return cacheName.endsWith(".aot") ? "-XX:AOTMode=on" : "-Xshare:on";
    }

    /** Runs {@code bin/kiln} with its cache in {@code cache} and its temporary files in {@code tmp}. */
    private static Run run(Product product, Path cache, Path tmp, String... args) throws IOException, InterruptedException {
        return runWith(product, cache, tmp, "", args);
    }

    /** Runs {@code bin/kiln} as {@link #run(Product, Path, Path, String...)} does, with these JVM options. */
    private static Run runWith(Product product, Path cache, Path tmp, String javaOptions, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(product.launcher("kiln").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp.getParent(), "out", ".txt");
        Path err = Files.createTempFile(tmp.getParent(), "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        builder.environment().put("TMPDIR", tmp.toString());
        builder.environment().put("KILN_JAVA_OPTS", javaOptions);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("kiln " + String.join(" ", args) + " did not finish within " + TIMEOUT.toSeconds() + " s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Waits until no class cache is being assembled in the background, so that the next run sees what it left. */
    private static void awaitNoAssembly(Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (assembling(dir)) {
            if (System.nanoTime() > deadline) {
                fail("the class cache in " + dir + " was still being assembled after " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    private static boolean assembling(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(file -> ASSEMBLING.matcher(file.getFileName().toString()).matches());
        }
    }
}
