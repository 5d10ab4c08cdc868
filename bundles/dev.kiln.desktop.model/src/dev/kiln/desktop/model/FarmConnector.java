package dev.kiln.desktop.model;

import java.net.URI;

/** Makes connections; a connection does no network call until asked. */
@FunctionalInterface
public interface FarmConnector {

    /** @param token the bearer token, or empty for a coordinator on loopback */
    FarmConnection connect(URI coordinator, String token);
}
