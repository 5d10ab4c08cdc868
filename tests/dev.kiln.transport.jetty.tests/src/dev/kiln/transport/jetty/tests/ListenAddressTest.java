package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kiln.transport.jetty.ListenAddress;

class ListenAddressTest {

    @Test
    void parsesHostAndPort() {
        ListenAddress address = ListenAddress.parse("127.0.0.1:8746");
        assertEquals("127.0.0.1", address.host());
        assertEquals(8746, address.port());
        assertTrue(address.isLoopback());
    }

    @Test
    void parsesBracketedIpv6() {
        ListenAddress address = ListenAddress.parse("[::1]:0");
        assertEquals("::1", address.host());
        assertEquals(0, address.port());
        assertEquals("[::1]:0", address.toString());
        assertTrue(address.isLoopback());
    }

    @Test
    void anyAddressIsNotLoopback() {
        assertFalse(ListenAddress.parse("0.0.0.0:8745").isLoopback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8746", ":8746", "localhost:", "localhost:http", "localhost:70000", "localhost:-1"})
    void refusesMalformedAddressesNamingTheProblem(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(text));
        assertFalse(e.getMessage().isBlank());
    }
}
