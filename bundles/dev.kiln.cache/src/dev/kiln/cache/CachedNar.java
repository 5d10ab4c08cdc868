package dev.kiln.cache;

/**
 * A stored, verified NAR: its zstd-compressed object and the facts Nix needs about it.
 *
 * @param narHash {@code sha256:<nix-base32>} of the uncompressed NAR
 * @param narSize size of the uncompressed NAR
 * @param key the key of the zstd-compressed object in the cache's store
 * @param fileSize size of that object
 */
public record CachedNar(String narHash, long narSize, String key, long fileSize) {
}
