package dev.kiln.desktop.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A build an agent holds.
 *
 * @param state {@link BuildState#ALLOCATED} or {@link BuildState#STARTED}
 * @param since when it was allocated or started, or {@code null} when not known
 */
public record HeldBuild(UUID id, BuildState state, String derivation, Instant since) {

    public HeldBuild {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
    }
}
