package dev.kiln.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * State directories of coordinators started in a test. The embedded database shuts down a moment after the
 * coordinator's components report themselves stopped, so JUnit's own clean-up of a {@code @TempDir} can race it;
 * these directories are deleted here instead, trying again for a while.
 */
public final class StateDirectories {

    private static final long GIVE_UP_MILLIS = 10_000;

    private StateDirectories() {
    }

    /** A new empty directory under the system's temporary directory. */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the directory and everything in it, retrying while files are still being written and removed. */
    public static void delete(Path directory) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GIVE_UP_MILLIS;
        while (Files.exists(directory)) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException | UncheckedIOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("cannot delete " + directory + ": " + e, e);
                }
                Thread.sleep(100);
            }
        }
    }
}
