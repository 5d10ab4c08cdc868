package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Nix as the reference, offline, with a private configuration. Its stores live under the test's directory
 * ({@code local?root=DIR}) and say {@code /nix/store}, like the coordinator's; such a store builds in Nix's own
 * sandbox, which is shown the host's programs. Without Nix the test fails, unless {@code KILN_SKIP_NIX=1}.
 */
final class Nix {

    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    private final Path directory;

    Nix(Path directory) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/nix-store"))) {
            String message = "Nix is not installed (Debian: apt-get install nix-bin); KILN_SKIP_NIX=1 skips this test";
            Assumptions.assumeFalse("1".equals(System.getenv("KILN_SKIP_NIX")), message);
            fail(message);
        }
        this.directory = Files.createDirectories(directory);
        Files.createDirectories(directory.resolve("conf"));
        Files.createDirectories(directory.resolve("home"));
        Files.writeString(directory.resolve("conf/nix.conf"), """
                build-users-group =
                substituters =
                sandbox-paths = /bin /usr /lib /lib64
                experimental-features = nix-command
                """);
    }

    /** The store URI of a store named {@code name} under this directory. */
    String store(String name) {
        return "local?root=" + directory.resolve(name);
    }

    /** Where the files of that store's paths are. */
    Path storeFiles(String name) {
        return directory.resolve(name).resolve("nix/store");
    }

    Command run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(arguments));
        // A fresh cache each time: Nix remembers narinfo answers, misses included.
        Path cache = Files.createTempDirectory(directory, "cache");
        return Command.run(directory, Map.of("NIX_CONF_DIR", directory.resolve("conf").toString(), "NIX_REMOTE", "",
                "HOME", directory.resolve("home").toString(), "XDG_CACHE_HOME", cache.toString()), TIMEOUT, command);
    }

    String succeed(String... arguments) throws IOException, InterruptedException {
        return run(arguments).succeeded(List.of(arguments)).strip();
    }

    Path file(String name, String text) throws IOException {
        return Files.writeString(directory.resolve(name), text);
    }
}
