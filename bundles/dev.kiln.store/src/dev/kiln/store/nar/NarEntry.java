package dev.kiln.store.nar;

/**
 * One file system object of a NAR, as {@link NarReader} reports it. The
 * path is relative to the root of the archive: empty for the root itself,
 * otherwise names joined by {@code /}, each name checked to be safe.
 */
public sealed interface NarEntry {

    /** @return the path relative to the root, empty for the root */
    String path();

    /**
     * A directory; its entries follow, in order, with paths below it.
     *
     * @param path the path relative to the root
     */
    record Directory(String path) implements NarEntry {
    }

    /**
     * A regular file; its contents can be read from the reader until the next entry.
     *
     * @param path       the path relative to the root
     * @param executable whether the file is executable
     * @param size       the number of bytes of its contents
     */
    record RegularFile(String path, boolean executable, long size) implements NarEntry {
    }

    /**
     * A symbolic link.
     *
     * @param path   the path relative to the root
     * @param target the target, not interpreted
     */
    record Symlink(String path, String target) implements NarEntry {
    }
}
