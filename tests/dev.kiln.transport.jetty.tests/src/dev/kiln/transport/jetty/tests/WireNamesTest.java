package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The protocol's enums are the domain's, constant for constant and name for name, as the server maps them. */
class WireNamesTest {

    @Test
    void everyBuildStateHasItsWireConstant() {
        for (dev.kiln.api.BuildState state : dev.kiln.api.BuildState.values()) {
            assertEquals(state.id(), dev.kiln.protocol.BuildState.valueOf(state.name()).toString());
        }
        assertEquals(dev.kiln.api.BuildState.values().length, dev.kiln.protocol.BuildState.values().length);
    }

    @Test
    void everyEventTypeHasItsWireConstant() {
        for (dev.kiln.api.EventType type : dev.kiln.api.EventType.values()) {
            assertEquals(type.id(), dev.kiln.protocol.EventType.valueOf(type.name()).toString());
        }
        assertEquals(dev.kiln.api.EventType.values().length, dev.kiln.protocol.EventType.values().length);
    }

    @Test
    void everySetupFailureKindOfTheDomainHasItsWireConstant() {
        for (dev.kiln.api.SetupFailureKind kind : dev.kiln.api.SetupFailureKind.values()) {
            assertEquals(kind.id(), dev.kiln.protocol.SetupFailureKind.valueOf(kind.name()).toString());
        }
    }
}
