package dev.kiln.api.datastore;

import java.time.Instant;
import java.util.Objects;

import dev.kiln.api.Tag;

/**
 * The build time of a finished build, for the share of its group.
 *
 * @param shareGroup its share group (see {@link dev.kiln.api.allocation.PendingBuild#shareGroupOf}), or
 *                   {@code null}
 * @param startedAt  when its latest attempt started
 * @param finishedAt when it finished
 */
public record BuildTime(Tag shareGroup, Instant startedAt, Instant finishedAt) {

    public BuildTime {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }
}
