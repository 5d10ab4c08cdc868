package dev.kiln.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.kiln.store.Hash;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.nar.NarDigest;

/**
 * The agent's store: the files of store paths under the store root, and for each valid path a small record (its
 * NAR hash and size and its references) under the state directory. A path is valid when both are there; files
 * without a record are leftovers of an interrupted build or download, and are deleted before the path is made
 * again. Thread-safe: records are written whole and renamed into place.
 */
final class LocalStore {

    private final StoreDir storeDir;
    private final Path storeRoot;
    private final Path records;

    LocalStore(StoreDir storeDir, Path storeRoot, Path stateDirectory) throws IOException {
        this.storeDir = storeDir;
        this.storeRoot = Files.createDirectories(storeRoot);
        this.records = Files.createDirectories(stateDirectory.resolve("valid-paths"));
    }

    StoreDir storeDir() {
        return storeDir;
    }

    Path storeRoot() {
        return storeRoot;
    }

    /** @return where the files of a path are */
    Path files(StorePath path) {
        return storeRoot.resolve(path.baseName());
    }

    boolean isValid(StorePath path) {
        return Files.exists(records.resolve(path.baseName())) && Files.exists(files(path), LinkOption.NOFOLLOW_LINKS);
    }

    boolean hasFiles(StorePath path) {
        return Files.exists(files(path), LinkOption.NOFOLLOW_LINKS);
    }

    /** The record of a valid path. */
    record PathInfo(NarDigest nar, SortedSet<StorePath> references) {
    }

    PathInfo info(StorePath path) throws IOException {
        List<String> lines = Files.readAllLines(records.resolve(path.baseName()), StandardCharsets.UTF_8);
        TreeSet<StorePath> references = new TreeSet<>();
        for (String reference : lines.subList(2, lines.size())) {
            references.add(storeDir.parsePath(reference));
        }
        return new PathInfo(new NarDigest(Hash.parse(lines.get(0)), Long.parseLong(lines.get(1))), references);
    }

    /** Records a path whose files are in place as valid. */
    void register(StorePath path, NarDigest nar, SortedSet<StorePath> references) throws IOException {
        List<String> lines = new ArrayList<>(List.of(nar.narHash().toPrefixedBase32(), Long.toString(nar.narSize())));
        references.forEach(reference -> lines.add(reference.toString()));
        Path temporary = Files.createTempFile(records, ".record-", ".tmp");
        Files.write(temporary, lines, StandardCharsets.UTF_8);
        Files.move(temporary, records.resolve(path.baseName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes a path invalid and deletes its files; a path that is not there is not an error. */
    void delete(StorePath path) throws IOException {
        Files.deleteIfExists(records.resolve(path.baseName()));
        deleteTree(files(path));
    }

    /** Deletes a file tree, such as a build directory or a failed download; a missing one is not an error. */
    static void deleteTree(Path root) throws IOException {
        delete(root, true);
    }

    /** Deletes what a directory holds and keeps the directory. */
    static void deleteContents(Path directory) throws IOException {
        delete(directory, false);
    }

    private static void delete(Path root, boolean withRoot) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                // Outputs may have been made read-only by their builder; their owner can make them writable again.
                directory.toFile().setWritable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException error) throws IOException {
                if (error != null && !(error instanceof NoSuchFileException)) {
                    throw error;
                }
                if (withRoot || !directory.equals(root)) {
                    Files.delete(directory);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
