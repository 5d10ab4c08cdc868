package dev.kiln.cache;

/**
 * Something wrong in the cache that {@link BinaryCache#verify()} found.
 *
 * @param path   the store path served wrongly
 * @param kind   what is wrong
 * @param detail what was found, in words
 */
public record CacheFault(String path, Kind kind, String detail) {

    /** What is wrong with a served path. */
    public enum Kind {
        /** Its narinfo names a NAR the store does not hold. */
        MISSING_NAR,
        /** Its NAR does not decompress, or is not the NAR of the hash and size its narinfo gives. */
        CORRUPT_NAR,
        /** It refers to a path the cache does not serve: a client could not fetch its closure. */
        MISSING_REFERENCE
    }
}
