package dev.kiln.cache;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Build logs, kept compressed as {@code <id>.log.zst}, each piece appended while the build runs compressed as it
 * comes, under {@code <state-dir>/logs/} while the build runs and in the cache's object store once it is final.
 * Thread-safe; appends to one log are serialised.
 */
@ProviderType
public interface BuildLogs {

    /** Appends bytes to a build's log; returns the number appended. */
    long append(UUID buildId, InputStream bytes) throws IOException;

    /**
     * The log so far, uncompressed, if there is one; a read at its end returns -1, and a later read gets what was
     * appended since (for following a running build).
     */
    Optional<InputStream> open(UUID buildId) throws IOException;

    /** Says a build is final: its log gets no more pieces (one begun plain by an earlier version is compressed). */
    void finish(UUID buildId) throws IOException;
}
