package dev.kiln.coordinator.tests;

import java.util.Map;

import dev.kiln.testing.PostgresServer;

/** The coordinator contract on a real PostgreSQL server, with the {@code basic} strategy. */
class PostgresBasicCoordinatorTest extends CoordinatorContract {

    @Override
    Map<String, Object> databaseProperties() {
        return Map.of("database.url", PostgresServer.shared().createDatabase(), "database.user", PostgresServer.USER);
    }

    @Override
    String strategy() {
        return "basic";
    }
}
