package dev.kiln.desktop.model.views;

import java.net.URI;
import java.util.Objects;

/** A coordinator the operator connected to, remembered between runs. */
public record SavedConnection(URI coordinator, String token) {

    public SavedConnection {
        Objects.requireNonNull(coordinator, "coordinator");
        token = token == null ? "" : token;
    }
}
