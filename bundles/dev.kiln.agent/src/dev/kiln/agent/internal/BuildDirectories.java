package dev.kiln.agent.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories builds run in, under the state directory's {@code builds/}: each is emptied after its build and
 * kept for the next one rather than deleted and made again. A directory deleted for every build costs more than its
 * own two system calls: ext4 does not reuse an inode within half a minute of its deletion, and every file created
 * meanwhile in the same block group (the builders' outputs, the store's records) scans past the recently deleted
 * ones first. There are as many directories as builds ran at once. Thread-safe.
 */
final class BuildDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(BuildDirectories.class);

    private final Path root;
    private final Deque<Path> free = new ArrayDeque<>();
    private int made;

    /** Deletes what builds of an earlier run left in {@code root}. */
    BuildDirectories(Path root) throws IOException {
        LocalStore.deleteTree(root);
        this.root = Files.createDirectories(root);
    }

    /** @return an empty directory for one build, until it is {@linkplain #giveBack given back} */
    synchronized Path take() throws IOException {
        Path directory = free.poll();
        if (directory == null) {
            directory = Files.createDirectory(root.resolve(Integer.toString(made++)));
        }
        return directory;
    }

    /** Empties a directory a build is done with, for the next; one that cannot be emptied is not used again. */
    void giveBack(Path directory) {
        try {
            LocalStore.deleteContents(directory);
        } catch (IOException e) {
            LOG.warn("Cannot empty the build directory {}, left until the agent starts again: {}", directory,
                    e.getMessage());
            return;
        }
        synchronized (this) {
            free.push(directory);
        }
    }
}
