package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the product archives built by the reactor, unpacked into a directory of the test's. */
final class Product {

    private static final long UNPACK_TIMEOUT_SECONDS = 120;

    private final Path home;

    private Product(Path home) {
        this.home = home;
    }

    /**
     * Unpacks {@code <name>-linux.gtk.x86_64.tar.gz} from the products directory into {@code into}.
     *
     * @param name {@code kiln-coordinator}, {@code kiln-agent} or {@code kiln-desktop}
     */
    static Product unpack(String name, Path into) throws IOException, InterruptedException {
        Path archive = productsDir().resolve(name + "-linux.gtk.x86_64.tar.gz");
        assertTrue(Files.isRegularFile(archive), "the reactor built " + archive);
        Process tar = new ProcessBuilder("tar", "--warning=no-unknown-keyword", "-xzf", archive.toString(), "-C", into.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(tar.getInputStream().readAllBytes());
        assertTrue(tar.waitFor(UNPACK_TIMEOUT_SECONDS, TimeUnit.SECONDS), "tar finished");
        assertEquals(0, tar.exitValue(), output);
        return new Product(into.resolve(name));
    }

    Path home() {
        return home;
    }

    Path launcher(String name) {
        Path launcher = home.resolve("bin").resolve(name);
        assertTrue(Files.isExecutable(launcher), launcher + " is executable");
        return launcher;
    }

    /** Starts a launcher of this product, its output (stdout and stderr) going to {@code log}. */
    RunningProcess start(String launcher, Path log, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher(launcher).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new RunningProcess(builder.start(), log);
    }

    private static Path productsDir() {
        String dir = System.getProperty("kiln.products.dir");
        assertTrue(dir != null, "the system property kiln.products.dir names the built products");
        return Path.of(dir);
    }
}
