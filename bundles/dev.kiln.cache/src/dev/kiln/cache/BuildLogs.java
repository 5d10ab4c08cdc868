package dev.kiln.cache;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Build logs under {@code <state-dir>/logs/}: appended to {@code <id>.log} while the build runs, compressed to
 * {@code <id>.log.zst} once it is final. Thread-safe; appends to one log are serialised.
 */
@ProviderType
public interface BuildLogs {

    /** Appends bytes to a build's log; returns the number appended. */
    long append(UUID buildId, InputStream bytes) throws IOException;

    /** The whole log so far, uncompressed, if there is one. */
    Optional<InputStream> open(UUID buildId) throws IOException;

    /** Compresses a final build's log. */
    void finish(UUID buildId) throws IOException;
}
