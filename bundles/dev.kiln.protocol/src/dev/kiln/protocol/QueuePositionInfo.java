package dev.kiln.protocol;

import java.util.List;

/**
 * Where a ready build stands in its system's queue: {@code position} (1 for the next) among {@code ready} builds; its
 * share group (null for the builds of none), that group's shares and the build time it used over 24 hours; how many
 * go before it by priority, by fair share and by earlier submission; and the first of them ({@code ahead}).
 */
public record QueuePositionInfo(String system, int position, int ready, String shareGroup, int shares,
        double usedSeconds, int aheadByPriority, int aheadByFairShare, int aheadBySubmission,
        List<QueuedAheadInfo> ahead) {
}
