package dev.kiln.protocol;

import java.util.List;

/**
 * {@code POST /api/v1/cache/gc}: what a run of the garbage collector removed, or would remove in a dry run.
 *
 * @param dryRun          whether nothing was removed
 * @param paths           the store paths no longer served (or that would not be), referrers first
 * @param objects         how many NAR objects went
 * @param bytes           their bytes as stored (compressed)
 * @param keptPaths       how many held paths stay
 * @param keptBytes       the bytes of the NAR objects that stay
 * @param logs            how many finished builds' logs went for their age
 * @param events          how many events went for their age
 * @param durationSeconds how long the run took
 */
public record GcReportInfo(boolean dryRun, List<String> paths, long objects, long bytes, long keptPaths,
        long keptBytes, long logs, long events, double durationSeconds) {

    public GcReportInfo {
        paths = paths == null ? List.of() : List.copyOf(paths);
    }
}
