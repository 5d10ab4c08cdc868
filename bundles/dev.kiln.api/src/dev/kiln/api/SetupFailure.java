package dev.kiln.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A recorded setup failure of a build.
 *
 * @param buildId       the build
 * @param agentId       the agent that reported it
 * @param at            when
 * @param kind          why
 * @param missingInputs for {@link SetupFailureKind#MISSING_INPUTS}, the store paths that could not be had
 */
public record SetupFailure(UUID buildId, UUID agentId, Instant at, SetupFailureKind kind, List<String> missingInputs) {

    public SetupFailure {
        missingInputs = List.copyOf(missingInputs == null ? List.of() : missingInputs);
    }
}
