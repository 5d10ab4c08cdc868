package dev.kiln.api;

import java.util.Objects;
import java.util.UUID;

/**
 * A ready build that goes before another in its system's queue, and why.
 *
 * @param buildId           the build that goes first
 * @param derivationPath    its derivation
 * @param effectivePriority the priority it is ordered by
 * @param because           what puts it first, in a few words: {@code priority 10 > 0}, {@code fair share},
 *                          {@code submitted earlier}
 */
public record QueuedAhead(UUID buildId, String derivationPath, int effectivePriority, String because) {

    public QueuedAhead {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(derivationPath, "derivationPath");
        Objects.requireNonNull(because, "because");
    }
}
