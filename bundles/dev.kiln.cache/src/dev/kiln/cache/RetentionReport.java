package dev.kiln.cache;

import java.time.Duration;
import java.util.List;

/**
 * What one run of the garbage collector removed, or would remove in a dry run.
 *
 * @param dryRun     whether nothing was removed
 * @param paths      the store paths no longer held (or that would not be), referrers before what they refer to
 * @param objects    how many NAR objects went
 * @param bytes      their bytes, as stored (compressed)
 * @param keptPaths  how many held paths stay
 * @param keptBytes  the bytes of the NAR objects that stay
 * @param logs       how many finished builds' logs went for their age
 * @param events     how many events went for their age
 * @param duration   how long the run took
 */
public record RetentionReport(boolean dryRun, List<String> paths, long objects, long bytes, long keptPaths,
        long keptBytes, long logs, long events, Duration duration) {

    public RetentionReport {
        paths = List.copyOf(paths);
    }
}
