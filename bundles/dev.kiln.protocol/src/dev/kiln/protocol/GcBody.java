package dev.kiln.protocol;

/**
 * {@code POST /api/v1/cache/gc}: run the garbage collector now.
 *
 * @param dryRun only say what would go
 */
public record GcBody(boolean dryRun) {
}
