package dev.kiln.client;

import java.io.IOException;
import java.net.URI;

/** The coordinator could not be reached, or did not answer as a healthy coordinator does. */
public final class CoordinatorUnreachableException extends IOException {

    private static final long serialVersionUID = 1L;

    private final URI coordinator;

    public CoordinatorUnreachableException(URI coordinator, String reason, Throwable cause) {
        super("coordinator " + coordinator + " is unreachable: " + reason, cause);
        this.coordinator = coordinator;
    }

    public URI coordinator() {
        return coordinator;
    }
}
