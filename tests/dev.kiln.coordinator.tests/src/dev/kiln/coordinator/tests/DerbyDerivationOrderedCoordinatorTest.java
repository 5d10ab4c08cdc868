package dev.kiln.coordinator.tests;

import java.util.Map;

/** The coordinator contract on embedded Derby in the state directory, with the {@code derivation-ordered} strategy. */
class DerbyDerivationOrderedCoordinatorTest extends CoordinatorContract {

    @Override
    Map<String, Object> databaseProperties() {
        return Map.of("database.url", "");
    }

    @Override
    String strategy() {
        return "derivation-ordered";
    }
}
