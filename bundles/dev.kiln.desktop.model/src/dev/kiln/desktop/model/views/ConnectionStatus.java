package dev.kiln.desktop.model.views;

import java.time.Instant;
import java.util.Objects;

/**
 * A session's state, why, and when it tries again.
 *
 * @param detail    what went wrong, or empty
 * @param nextRetry when the next attempt starts, or {@code null} when none is scheduled
 */
public record ConnectionStatus(ConnectionState state, String detail, Instant nextRetry) {

    public ConnectionStatus {
        Objects.requireNonNull(state, "state");
        detail = detail == null ? "" : detail;
    }
}
