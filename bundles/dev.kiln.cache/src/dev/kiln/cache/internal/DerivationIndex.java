package dev.kiln.cache.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The derivation paths the cache serves by hash part: an append-only file of paths, one a line, read at start. A line
 * cut short by a crash names no valid path and is skipped.
 */
final class DerivationIndex {

    private static final int HASH_PART_LENGTH = 32;

    private final ConcurrentHashMap<String, String> byHashPart = new ConcurrentHashMap<>();
    private final Path file;

    DerivationIndex(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.endsWith(".drv")) {
                    hashPart(line).ifPresent(hash -> byHashPart.put(hash, line));
                }
            }
        }
    }

    Optional<String> path(String hashPart) {
        return Optional.ofNullable(byHashPart.get(hashPart));
    }

    synchronized void addAll(Collection<String> paths) throws IOException {
        StringBuilder added = new StringBuilder();
        for (String path : paths) {
            Optional<String> hash = hashPart(path);
            if (hash.isPresent() && path.indexOf('\n') < 0 && !path.equals(byHashPart.get(hash.get()))) {
                added.append(path).append('\n');
            }
        }
        if (added.isEmpty()) {
            return;
        }
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            writer.write(added.toString());
        }
        added.toString().lines().forEach(path -> byHashPart.put(hashPart(path).orElseThrow(), path));
    }

    private static Optional<String> hashPart(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0 || path.length() - slash - 1 <= HASH_PART_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(path.substring(slash + 1, slash + 1 + HASH_PART_LENGTH));
    }
}
