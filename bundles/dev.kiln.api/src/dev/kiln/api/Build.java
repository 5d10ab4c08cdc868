package dev.kiln.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A request to build one derivation, and where it stands.
 *
 * @param id                the build's identifier
 * @param sequence          the order of submission: a later build has a greater sequence (ties in priority go to
 *                          the smaller one, and list cursors use it)
 * @param derivationPath    the {@code .drv} to build
 * @param system            the derivation's system
 * @param priority          higher is sooner; the operator's priority, before any inheritance by the allocator
 * @param tags              labels for finding builds
 * @param requiredAgentTags tags an agent must carry to be given this build
 * @param state             the current state
 * @param submittedAt       when it was submitted
 * @param stateChangedAt    when it entered its current state
 * @param startedAt         when the agent reported the start of the latest attempt, or {@code null}
 * @param finishedAt        when it reached a final state, or {@code null}
 * @param agentId           the agent it is allocated to, while allocated or started, and the agent that built it
 *                          once succeeded or failed; else {@code null}
 * @param setupFailureCount how many times an agent could not set it up
 * @param deferUntil        not to be allocated before this time, or {@code null}
 * @param requiredFeatures  the system features its derivation requires ({@code requiredSystemFeatures}): an agent
 *                          must have them all
 * @param limits            the limits it was submitted with; those unset come from the coordinator's defaults
 * @param failureKind       how it failed, when failed; else {@code null}
 */
public record Build(UUID id, long sequence, String derivationPath, String system, int priority, Set<Tag> tags,
        Set<Tag> requiredAgentTags, BuildState state, Instant submittedAt, Instant stateChangedAt, Instant startedAt,
        Instant finishedAt, UUID agentId, int setupFailureCount, Instant deferUntil, Set<String> requiredFeatures,
        BuildLimits limits, FailureKind failureKind) {

    /** A build that requires no feature, with no limits of its own, not failed. */
    public Build(UUID id, long sequence, String derivationPath, String system, int priority, Set<Tag> tags,
            Set<Tag> requiredAgentTags, BuildState state, Instant submittedAt, Instant stateChangedAt,
            Instant startedAt, Instant finishedAt, UUID agentId, int setupFailureCount, Instant deferUntil) {
        this(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, startedAt, finishedAt, agentId, setupFailureCount, deferUntil, Set.of(),
                BuildLimits.UNSET, null);
    }

    public Build {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(derivationPath, "derivationPath");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(submittedAt, "submittedAt");
        Objects.requireNonNull(stateChangedAt, "stateChangedAt");
        tags = Set.copyOf(new TreeSet<>(tags == null ? Set.of() : tags));
        requiredAgentTags = Set.copyOf(new TreeSet<>(requiredAgentTags == null ? Set.of() : requiredAgentTags));
        requiredFeatures = Set.copyOf(new TreeSet<>(requiredFeatures == null ? Set.of() : requiredFeatures));
        limits = limits == null ? BuildLimits.UNSET : limits;
    }

    /** This build in {@code newState} since {@code at}, with every other field unchanged but a failure kind, kept only in failed. */
    public Build withState(BuildState newState, Instant at) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, newState,
                submittedAt, at, startedAt, finishedAt, agentId, setupFailureCount, deferUntil, requiredFeatures, limits,
                newState == BuildState.FAILED ? failureKind : null);
    }

    public Build withAgent(UUID agent) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, startedAt, finishedAt, agent, setupFailureCount, deferUntil, requiredFeatures, limits, failureKind);
    }

    public Build withStartedAt(Instant at) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, at, finishedAt, agentId, setupFailureCount, deferUntil, requiredFeatures, limits, failureKind);
    }

    public Build withFinishedAt(Instant at) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, startedAt, at, agentId, setupFailureCount, deferUntil, requiredFeatures, limits, failureKind);
    }

    public Build withPriority(int newPriority) {
        return new Build(id, sequence, derivationPath, system, newPriority, tags, requiredAgentTags, state,
                submittedAt, stateChangedAt, startedAt, finishedAt, agentId, setupFailureCount, deferUntil, requiredFeatures, limits, failureKind);
    }

    public Build withSetupFailureCount(int count) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, startedAt, finishedAt, agentId, count, deferUntil, requiredFeatures, limits, failureKind);
    }

    public Build withTags(Set<Tag> newTags) {
        return new Build(id, sequence, derivationPath, system, priority, newTags, requiredAgentTags, state,
                submittedAt, stateChangedAt, startedAt, finishedAt, agentId, setupFailureCount, deferUntil, requiredFeatures, limits, failureKind);
    }

    public Build withDeferUntil(Instant until) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, startedAt, finishedAt, agentId, setupFailureCount, until, requiredFeatures, limits, failureKind);
    }

    public Build withFailureKind(FailureKind kind) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, startedAt, finishedAt, agentId, setupFailureCount, deferUntil, requiredFeatures,
                limits, kind);
    }

    public Build withLimits(BuildLimits newLimits) {
        return new Build(id, sequence, derivationPath, system, priority, tags, requiredAgentTags, state, submittedAt,
                stateChangedAt, startedAt, finishedAt, agentId, setupFailureCount, deferUntil, requiredFeatures,
                newLimits, failureKind);
    }
}
