package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's Nix offline with a private configuration and a fresh cache, as the store's conformance tests do.
 * Without Nix the test fails, unless {@code KILN_SKIP_NIX=1}, which skips it.
 */
final class RealNix {

    private final Path directory;

    RealNix(Path directory) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/nix"))) {
            String message = "Nix is not installed (Debian: apt-get install nix-bin); KILN_SKIP_NIX=1 skips this test";
            if ("1".equals(System.getenv("KILN_SKIP_NIX"))) {
                Assumptions.abort(message);
            }
            fail(message);
        }
        this.directory = directory;
        Files.createDirectories(directory.resolve("conf"));
        Files.createDirectories(directory.resolve("home"));
        Files.writeString(directory.resolve("conf/nix.conf"), """
                sandbox = false
                build-users-group =
                substituters =
                experimental-features = nix-command
                """);
    }

    /** A local store under the test directory whose paths say {@code /nix/store}. */
    String store(String name) {
        return "local?root=" + directory.resolve(name);
    }

    Path storeFiles(String name) {
        return directory.resolve(name).resolve("nix/store");
    }

    String run(String... arguments) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(arguments);
        builder.environment().put("NIX_CONF_DIR", directory.resolve("conf").toString());
        // A fresh cache each time: Nix remembers narinfos, misses and its own uploads included.
        builder.environment().put("XDG_CACHE_HOME", Files.createTempDirectory(directory, "cache").toString());
        builder.environment().put("HOME", directory.resolve("home").toString());
        builder.environment().put("NIX_REMOTE", "");
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", arguments) + " did not finish within 120 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", arguments) + " failed with " + process.exitValue() + ":\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8).strip();
    }

    /** Instantiates an expression into a store and returns the .drv paths, one a line of the expression's list. */
    List<String> instantiate(String store, String expression) throws IOException, InterruptedException {
        Path file = Files.writeString(Files.createTempFile(directory, "expr", ".nix"), expression);
        return run("nix-instantiate", "--store", store, file.toString()).lines().toList();
    }
}
