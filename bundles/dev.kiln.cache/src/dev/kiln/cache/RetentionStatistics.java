package dev.kiln.cache;

import java.time.Duration;

/**
 * The garbage collector's measures since the coordinator started.
 *
 * @param runs             how many runs finished (dry runs not counted)
 * @param keptObjects      the NAR objects in the store after the last run
 * @param keptBytes        their bytes
 * @param reclaimedObjects NAR objects deleted since the start
 * @param reclaimedBytes   their bytes
 * @param lastDuration     how long the last run took, zero before the first
 */
public record RetentionStatistics(long runs, long keptObjects, long keptBytes, long reclaimedObjects,
        long reclaimedBytes, Duration lastDuration) {
}
