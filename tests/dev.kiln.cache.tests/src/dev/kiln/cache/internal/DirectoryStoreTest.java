package dev.kiln.cache.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.cache.storage.ObjectStore;

/** The object store contract on a local directory. */
class DirectoryStoreTest extends ObjectStoreContract {

    @TempDir
    Path directories;

    @Override
    ObjectStore newStore(String name) throws IOException {
        return new DirectoryStore(Files.createDirectories(directories.resolve(name)));
    }

    @Override
    String newLocation(String name) throws IOException {
        return Files.createDirectories(directories.resolve(name)).toString();
    }

    /** Retention on a local directory. */
    @Nested
    class Retention extends RetentionContract {
        @Override
        ObjectStore newStore(String name) throws IOException {
            return DirectoryStoreTest.this.newStore(name);
        }
    }
}
