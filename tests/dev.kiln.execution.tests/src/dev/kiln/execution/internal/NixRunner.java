package dev.kiln.execution.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The real Nix as a reference, offline and private: a store whose directory and files are under the test's
 * directory (Nix's default store in its configuration), no sandbox, no substituters, no daemon, its own cache. Without Nix the test fails, unless
 * {@code KILN_SKIP_NIX=1}, which skips it.
 */
final class NixRunner {

    private final Path directory;

    private NixRunner(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory.resolve("conf"));
        Files.createDirectories(directory.resolve("home"));
        Files.writeString(directory.resolve("conf/nix.conf"), """
                sandbox = false
                build-users-group =
                substituters =
                experimental-features = nix-command
                store = %s
                """.formatted(storeUri()));
    }

    static NixRunner require(Path directory) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/nix-store"))) {
            String message = "Nix is not installed (Debian: apt-get install nix-bin); set KILN_SKIP_NIX=1 to skip";
            Assumptions.assumeFalse("1".equals(System.getenv("KILN_SKIP_NIX")), message);
            fail(message);
        }
        return new NixRunner(directory);
    }

    /** @return the store directory, whose files are where its paths say */
    Path storeDir() {
        return directory.resolve("store").toAbsolutePath();
    }

    String storeUri() {
        Path state = directory.resolve("state").toAbsolutePath();
        return "local?store=" + storeDir() + "&state=" + state + "&log=" + state.resolve("log");
    }

    /**
     * The variables under which Nix uses this store (its default store in its private configuration) and no other
     * {@code NIX_*} variable.
     *
     * @param cache the cache directory under {@code home}: Nix remembers narinfos, misses included
     */
    Map<String, String> environment(String cache) {
        return Map.of("NIX_CONF_DIR", directory.resolve("conf").toString(), "NIX_REMOTE", "",
                "HOME", directory.resolve("home").toString(),
                "XDG_CACHE_HOME", directory.resolve("home").resolve(cache).toString());
    }

    /** Runs a Nix program on this store and returns its standard output; it must succeed. */
    String run(String... arguments) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(arguments).directory(directory.toFile());
        builder.command().add(1, storeUri());
        builder.command().add(1, "--store");
        builder.environment().keySet().removeIf(name -> name.startsWith("NIX_"));
        builder.environment().putAll(environment("cache"));
        Path stdout = Files.createTempFile(directory, "out", ".txt");
        Path stderr = Files.createTempFile(directory, "err", ".txt");
        Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(List.of(arguments) + " did not finish within 300 seconds");
        }
        if (process.exitValue() != 0) {
            throw new IOException(List.of(arguments) + " failed: " + Files.readString(stderr));
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }
}
