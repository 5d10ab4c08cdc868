package dev.kiln.api.datastore;

import java.time.Instant;
import java.util.List;

/**
 * A held store path as retention weighs it.
 *
 * @param path       the store path
 * @param narHash    {@code sha256:} and nix-base32, which names its NAR
 * @param narSize    NAR size in bytes, uncompressed
 * @param references the store paths it refers to
 * @param storedAt   when it was stored
 * @param lastServed when its narinfo was last served, as last recorded; null if never
 */
public record HeldPath(String path, String narHash, long narSize, List<String> references, Instant storedAt,
        Instant lastServed) {

    public HeldPath {
        references = List.copyOf(references);
    }

    /** When it was last used: served, or else stored. */
    public Instant lastUsed() {
        return lastServed == null || lastServed.isBefore(storedAt) ? storedAt : lastServed;
    }
}
