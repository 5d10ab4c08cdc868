package dev.kiln.cache.storage;

import java.time.Instant;

/**
 * An object as a listing shows it.
 *
 * @param key          its key
 * @param size         its size in bytes
 * @param lastModified when it was put
 */
public record StoredObject(String key, long size, Instant lastModified) {
}
