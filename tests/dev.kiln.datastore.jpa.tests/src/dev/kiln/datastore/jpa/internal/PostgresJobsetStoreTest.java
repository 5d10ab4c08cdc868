package dev.kiln.datastore.jpa.internal;

import dev.kiln.testing.PostgresServer;

/** The jobsets' part of the datastore on a real PostgreSQL server, a new database per test. */
class PostgresJobsetStoreTest extends JobsetStoreContract {

    @Override
    DatastoreOptions newDatabase() {
        PostgresServer server = PostgresServer.shared();
        return DatastoreOptions.server(server.createDatabase(), PostgresServer.USER, "");
    }
}
