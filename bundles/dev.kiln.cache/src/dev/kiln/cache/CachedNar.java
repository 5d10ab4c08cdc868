package dev.kiln.cache;

import java.nio.file.Path;

/**
 * A stored, verified NAR: its zstd-compressed file and the facts Nix needs about it.
 *
 * @param narHash {@code sha256:<nix-base32>} of the uncompressed NAR
 * @param narSize size of the uncompressed NAR
 * @param file the zstd-compressed file
 * @param fileSize size of that file
 */
public record CachedNar(String narHash, long narSize, Path file, long fileSize) {
}
