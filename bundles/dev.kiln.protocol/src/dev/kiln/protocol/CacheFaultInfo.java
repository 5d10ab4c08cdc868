package dev.kiln.protocol;

/**
 * A served path that is wrong: {@code kind} is {@code missing-nar} (its NAR is not in the store), {@code corrupt-nar}
 * (its NAR does not decompress or differs from its narinfo's hash and size) or {@code missing-reference} (a path it
 * refers to is not served).
 */
public record CacheFaultInfo(String path, String kind, String detail) {
}
