package dev.kiln.datastore.jpa.internal;

import dev.kiln.testing.PostgresServer;

/** The datastore contract on a real PostgreSQL server, a new database per test. */
class PostgresDatastoreTest extends DatastoreContract {

    @Override
    DatastoreOptions newDatabase() {
        PostgresServer server = PostgresServer.shared();
        return DatastoreOptions.server(server.createDatabase(), PostgresServer.USER, "");
    }
}
