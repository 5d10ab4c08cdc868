package dev.kiln.datastore.jpa.internal;

import dev.kiln.testing.PostgresServer;

class PostgresSchemaUpgradeTest extends SchemaUpgradeContract {

    @Override
    DatastoreOptions newDatabase() {
        PostgresServer server = PostgresServer.shared();
        return DatastoreOptions.server(server.createDatabase(), PostgresServer.USER, "");
    }
}
