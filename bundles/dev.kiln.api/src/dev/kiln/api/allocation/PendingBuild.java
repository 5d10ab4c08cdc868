package dev.kiln.api.allocation;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import dev.kiln.api.BuildState;
import dev.kiln.api.Tag;

/**
 * What the allocator keeps of a scheduled, allocated or started build.
 *
 * @param id                the build
 * @param sequence          its submission order
 * @param derivationPath    its derivation
 * @param system            its system
 * @param priority          its own priority
 * @param requiredAgentTags tags an agent must carry
 * @param inputDerivations  the derivations whose outputs it needs
 * @param state             scheduled, allocated or started
 * @param agentId           the agent holding it when allocated or started, else {@code null}
 * @param deferUntil        not before this time, or {@code null}
 * @param requiredFeatures  the system features an agent must have
 * @param shareGroup        the group whose share of build time it counts in (see {@link #shareGroupOf}), or
 *                          {@code null}
 * @param startedAt         when it was started, when started; else {@code null}
 */
public record PendingBuild(UUID id, long sequence, String derivationPath, String system, int priority,
        Set<Tag> requiredAgentTags, Set<String> inputDerivations, BuildState state, UUID agentId,
        Instant deferUntil, Set<String> requiredFeatures, Tag shareGroup, Instant startedAt) {

    /** The tag a jobset puts on the builds its evaluations submit; its builds share the jobset's shares. */
    public static final String JOBSET_TAG = "jobset";

    /**
     * The tag that puts a build outside jobsets in a share group: the builds tagged {@code share=<value>} share
     * one share of build time.
     */
    public static final String SHARE_TAG = "share";

    /** A pending build in no share group, not started. */
    public PendingBuild(UUID id, long sequence, String derivationPath, String system, int priority,
            Set<Tag> requiredAgentTags, Set<String> inputDerivations, BuildState state, UUID agentId,
            Instant deferUntil, Set<String> requiredFeatures) {
        this(id, sequence, derivationPath, system, priority, requiredAgentTags, inputDerivations, state, agentId,
                deferUntil, requiredFeatures, null, null);
    }

    /** A pending build that requires no system feature. */
    public PendingBuild(UUID id, long sequence, String derivationPath, String system, int priority,
            Set<Tag> requiredAgentTags, Set<String> inputDerivations, BuildState state, UUID agentId,
            Instant deferUntil) {
        this(id, sequence, derivationPath, system, priority, requiredAgentTags, inputDerivations, state, agentId,
                deferUntil, Set.of());
    }

    public PendingBuild {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(derivationPath, "derivationPath");
        Objects.requireNonNull(system, "system");
        if (!state.isPending()) {
            throw new IllegalArgumentException("not a pending state: " + state);
        }
        requiredAgentTags = Set.copyOf(requiredAgentTags);
        inputDerivations = Set.copyOf(inputDerivations);
        requiredFeatures = Set.copyOf(requiredFeatures == null ? Set.of() : requiredFeatures);
    }

    /**
     * The share group of a build with these tags: its {@value #JOBSET_TAG} tag, else its {@value #SHARE_TAG} tag,
     * else none ({@code null}); the builds of no group share as one group.
     */
    public static Tag shareGroupOf(Set<Tag> tags) {
        Tag share = null;
        for (Tag tag : tags) {
            if (tag.key().equals(JOBSET_TAG)) {
                return tag;
            }
            if (tag.key().equals(SHARE_TAG)) {
                share = tag;
            }
        }
        return share;
    }
}
