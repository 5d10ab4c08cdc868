package dev.kiln.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Where a ready build stands among the ready builds of its system, and why the builds before it go first. The ready
 * builds of one system are ordered by effective priority (highest first), then, among equal priorities, by fair share
 * (the share group that used the least build time over the last 24 hours relative to its shares first), then by
 * submission (oldest first). The builds of other systems are in queues of their own and never go before it.
 *
 * @param buildId            the build
 * @param system             its system
 * @param position           1 for the next build of its system, {@code ahead + 1} in general
 * @param readyInSystem      how many builds of its system are ready, itself included
 * @param shareGroup         the share group it is counted in ({@code jobset=<name>}, {@code share=<value>}), or
 *                           {@code null} for the builds of no group, which share as one group
 * @param shares             the shares of its group
 * @param usedSeconds        the build time its group used over the last 24 hours, running builds included
 * @param aheadByPriority    how many builds go before it for a higher effective priority
 * @param aheadByFairShare   how many go before it, at its priority, for a group that used less of its shares
 * @param aheadBySubmission  how many go before it, at its priority and share, for having been submitted earlier
 * @param ahead              the first of the builds that go before it, in their order (at most the limit asked)
 */
public record QueuePosition(UUID buildId, String system, int position, int readyInSystem, Tag shareGroup,
        int shares, double usedSeconds, int aheadByPriority, int aheadByFairShare, int aheadBySubmission,
        List<Ahead> ahead) {

    public QueuePosition {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(system, "system");
        ahead = List.copyOf(ahead);
    }

    /** Why a build goes before another of its system. */
    public enum Reason {
        /** Its effective priority is higher. */
        HIGHER_PRIORITY,
        /** Same priority; its share group used less build time relative to its shares. */
        FAIR_SHARE,
        /** Same priority and same share of use; it was submitted earlier. */
        SUBMITTED_EARLIER
    }

    /**
     * A build that goes before.
     *
     * @param buildId           the build
     * @param derivationPath    its derivation
     * @param effectivePriority the priority it is ordered by
     * @param shareGroup        its share group, or {@code null}
     * @param reason            why it goes first
     */
    public record Ahead(UUID buildId, String derivationPath, int effectivePriority, Tag shareGroup, Reason reason) {
    }
}
