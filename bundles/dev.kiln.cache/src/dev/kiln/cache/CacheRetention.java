package dev.kiln.cache;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The cache's retention: the operator's {@link dev.kiln.api.RetentionPolicy} applied by a garbage collector that runs
 * in the background at an interval and on demand. A run never blocks submissions or fetches: it reads what is held,
 * decides, then stops holding the paths that go a batch at a time (each batch one short write transaction, their
 * narinfos gone once it commits) and only then deletes their NARs; a run that dies in between leaves NARs that no
 * narinfo names, which the next run deletes. Thread-safe; runs are serialised.
 */
@ProviderType
public interface CacheRetention {

    /** Notes that a path's narinfo was served now; kept in memory and written in batches, never one write a fetch. */
    void served(String hashPart);

    /**
     * Runs the collector now, after any run in progress.
     *
     * @param dryRun only say what would go
     */
    RetentionReport collect(boolean dryRun) throws IOException;

    /** What the last runs did, for the metrics. */
    RetentionStatistics statistics();
}
