package dev.kiln.protocol;

/** {@code GET /api/v1/cache}: what a Nix machine needs to use the binary cache. */
public record CacheInfo(String storeDir, String publicKey) {
}
