package dev.kiln.api;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A build an agent holds: allocated to it or started there.
 *
 * @param buildId        the build
 * @param agentId        the agent
 * @param derivationPath its derivation
 * @param state          {@link BuildState#ALLOCATED} or {@link BuildState#STARTED}
 * @param since          when it entered that state
 */
public record RunningBuild(UUID buildId, UUID agentId, String derivationPath, BuildState state, Instant since) {

    public RunningBuild {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(state, "state");
    }
}
