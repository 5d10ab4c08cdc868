package dev.kiln.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A store path the coordinator holds, because a build produced it.
 *
 * @param path       the store path
 * @param narHash    {@code sha256:} and nix-base32
 * @param narSize    NAR size in bytes
 * @param references the store paths it refers to
 * @param deriver    the derivation that produced it
 * @param buildId    the build that produced it
 * @param storedAt   when the result was recorded
 */
public record StoredOutput(String path, String narHash, long narSize, List<String> references, String deriver,
        UUID buildId, Instant storedAt) {

    public StoredOutput {
        references = List.copyOf(references);
    }
}
