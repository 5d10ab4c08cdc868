package dev.kiln.datastore.jpa.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

class DerbySchemaUpgradeTest extends SchemaUpgradeContract {

    @TempDir
    Path directory;

    @Override
    DatastoreOptions newDatabase() {
        return DatastoreOptions.embeddedDerby(directory.resolve("db"));
    }
}
