package dev.kiln.datastore.jpa.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The jobsets' part of the datastore on embedded Derby, a new database in a temporary directory per test. */
class DerbyJobsetStoreTest extends JobsetStoreContract {

    @TempDir
    Path directory;

    @Override
    DatastoreOptions newDatabase() {
        return DatastoreOptions.embeddedDerby(directory.resolve("db"));
    }
}
