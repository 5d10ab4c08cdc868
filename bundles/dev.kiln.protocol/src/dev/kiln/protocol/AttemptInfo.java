package dev.kiln.protocol;

import java.time.Instant;
import java.util.UUID;

/**
 * One attempt of a build: one for each start an agent reported, numbered from 1, with the builder's exit status when
 * that attempt failed and the agent knew it (else null).
 */
public record AttemptInfo(int attempt, UUID agent, String agentName, Instant startedAt, Integer exitStatus) {
}
