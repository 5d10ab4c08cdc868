package dev.kiln.coordinator.tests;

import java.util.Map;

import dev.kiln.testing.PostgresServer;

/** The coordinator contract on a real PostgreSQL server, with the {@code derivation-ordered} strategy. */
class PostgresDerivationOrderedCoordinatorTest extends CoordinatorContract {

    @Override
    Map<String, Object> databaseProperties() {
        return Map.of("database.url", PostgresServer.shared().createDatabase(), "database.user", PostgresServer.USER);
    }

    @Override
    String strategy() {
        return "derivation-ordered";
    }
}
