package dev.kiln.protocol;

import java.time.Instant;
import java.util.UUID;

/** A build an agent holds, as the agent list shows it: {@code state} is allocated or started. */
public record AgentBuildInfo(UUID id, BuildState state, String derivation, Instant since) {
}
