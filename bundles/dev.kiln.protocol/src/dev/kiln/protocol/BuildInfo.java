package dev.kiln.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A build as the client API shows it; times are null until they come. {@code requiredFeatures} are the system
 * features its derivation requires, {@code limits} those it was submitted with, {@code failureKind} how it failed
 * (null unless failed), and {@code unallocatable} why no agent can take it while it is scheduled and none can (for
 * example {@code no agent has kvm}), else null.
 */
public record BuildInfo(UUID id, BuildState state, String derivation, String system, int priority,
        Map<String, String> tags, Map<String, String> requiredAgentTags, UUID agent, Instant createdAt, Instant startedAt,
        Instant finishedAt, int setupFailures, Instant deferUntil, List<OutputInfo> outputs, List<String> requiredFeatures,
        BuildLimitsInfo limits, String failureKind, String unallocatable) {

    public BuildInfo(UUID id, BuildState state, String derivation, String system, int priority,
            Map<String, String> tags, Map<String, String> requiredAgentTags, UUID agent, Instant createdAt,
            Instant startedAt, Instant finishedAt, int setupFailures, Instant deferUntil, List<OutputInfo> outputs) {
        this(id, state, derivation, system, priority, tags, requiredAgentTags, agent, createdAt, startedAt, finishedAt,
                setupFailures, deferUntil, outputs, List.of(), null, null, null);
    }
}
