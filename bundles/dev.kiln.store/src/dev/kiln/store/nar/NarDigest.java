package dev.kiln.store.nar;

import dev.kiln.store.Hash;
import java.util.Objects;

/**
 * The hash and size of a NAR, as a narinfo states them in {@code NarHash}
 * and {@code NarSize}.
 *
 * @param narHash the hash of the NAR's bytes, normally SHA-256
 * @param narSize the number of bytes
 */
public record NarDigest(Hash narHash, long narSize) {

    /** Validates the parts. */
    public NarDigest {
        Objects.requireNonNull(narHash, "narHash");
        if (narSize < 0) {
            throw new IllegalArgumentException("negative NAR size " + narSize);
        }
    }
}
