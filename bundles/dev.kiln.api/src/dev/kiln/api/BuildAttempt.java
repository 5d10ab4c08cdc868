package dev.kiln.api;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One run of a build on an agent: each start an agent reports begins the next attempt, and a retry, a setup failure or
 * a lost agent leaves the attempts made so far as they were.
 *
 * @param buildId    the build
 * @param number     1 for the first start, then 2, 3...
 * @param agentId    the agent that started it
 * @param startedAt  when the agent reported the start
 * @param exitStatus the builder's exit status when the agent reported a failure and knew it, else {@code null}
 */
public record BuildAttempt(UUID buildId, int number, UUID agentId, Instant startedAt, Integer exitStatus) {

    public BuildAttempt {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(startedAt, "startedAt");
        if (number < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1: " + number);
        }
    }

    public BuildAttempt withExitStatus(Integer status) {
        return new BuildAttempt(buildId, number, agentId, startedAt, status);
    }
}
