package dev.kiln.cache.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.ObjectStream;
import dev.kiln.cache.storage.StoredObject;

/**
 * Objects as files under a directory, a key's segments its sub-directories. A file put from the same file system is
 * renamed into place; one from another is copied beside its place, forced to disk and renamed, so that a reader never
 * sees half of it.
 */
final class DirectoryStore implements ObjectStore {

    private final Path root;

    DirectoryStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public void check() throws IOException {
        Files.createDirectories(root);
        Path probe = Files.createTempFile(root, ".probe", ".tmp");
        Files.delete(probe);
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = file(key);
        if (target.equals(file.toAbsolutePath().normalize())) {
            return;
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Path copy = Files.createTempFile(target.getParent(), ".put", ".tmp");
            try {
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(copy, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(copy);
            }
            Files.delete(file);
        }
    }

    @Override
    public Optional<ObjectStream> open(String key) throws IOException {
        Path file = file(key);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return Optional.of(new ObjectStream(channel.size(), Channels.newInputStream(channel)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public OptionalLong size(String key) throws IOException {
        try {
            return OptionalLong.of(Files.readAttributes(file(key), BasicFileAttributes.class).size());
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(file(key));
    }

    @Override
    public void list(String prefix, Consumer<StoredObject> each) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path directory = slash < 0 ? root : file(prefix.substring(0, slash));
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.forEach(path -> {
                String key = root.relativize(path).toString();
                if (!key.startsWith(prefix) || path.getFileName().toString().startsWith(".")) {
                    return;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        each.accept(new StoredObject(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
                    }
                } catch (NoSuchFileException gone) {
                    // deleted while listed
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() {
        // Files hold nothing open between calls.
    }

    private Path file(String key) {
        return root.resolve(StoreKeys.require(key));
    }
}
