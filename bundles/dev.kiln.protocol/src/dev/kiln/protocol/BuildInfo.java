package dev.kiln.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A build as the client API shows it; times are null until they come. {@code requiredFeatures} are the system
 * features its derivation requires, {@code limits} those it was submitted with, {@code failureKind} how it failed
 * (null unless failed), and {@code unallocatable} why no agent can take it while it is scheduled and none can (for
 * example {@code no agent has kvm}), else null. One build's answer ({@code GET /api/v1/builds/{id}}) also has
 * {@code exitStatus}, the builder's exit status of a failed build when its agent knew it, {@code failedDependency},
 * the build a dependency-failed build waits on, and {@code attempts}, one for each start; in lists these are null.
 */
public record BuildInfo(UUID id, BuildState state, String derivation, String system, int priority,
        Map<String, String> tags, Map<String, String> requiredAgentTags, UUID agent, Instant createdAt, Instant startedAt,
        Instant finishedAt, int setupFailures, Instant deferUntil, List<OutputInfo> outputs, List<String> requiredFeatures,
        BuildLimitsInfo limits, String failureKind, String unallocatable, Integer exitStatus,
        FailedDependencyInfo failedDependency, List<AttemptInfo> attempts) {

    public BuildInfo(UUID id, BuildState state, String derivation, String system, int priority,
            Map<String, String> tags, Map<String, String> requiredAgentTags, UUID agent, Instant createdAt,
            Instant startedAt, Instant finishedAt, int setupFailures, Instant deferUntil, List<OutputInfo> outputs) {
        this(id, state, derivation, system, priority, tags, requiredAgentTags, agent, createdAt, startedAt, finishedAt,
                setupFailures, deferUntil, outputs, List.of(), null, null, null, null, null, null);
    }
}
