package dev.kiln.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A build as the client API shows it; times are null until they come. */
public record BuildInfo(UUID id, BuildState state, String derivation, String system, int priority,
        Map<String, String> tags, Map<String, String> requiredAgentTags, UUID agent, Instant createdAt, Instant startedAt,
        Instant finishedAt, int setupFailures, Instant deferUntil, List<OutputInfo> outputs) {
}
