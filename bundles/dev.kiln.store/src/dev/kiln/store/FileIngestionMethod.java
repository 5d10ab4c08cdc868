package dev.kiln.store;

/**
 * How the content of a fixed-output path is hashed: the bytes of a single
 * file ({@link #FLAT}) or the NAR serialisation of a file tree
 * ({@link #RECURSIVE}, written {@code r:} by Nix).
 */
public enum FileIngestionMethod {
    FLAT(""),
    RECURSIVE("r:");

    private final String prefix;

    FileIngestionMethod(String prefix) {
        this.prefix = prefix;
    }

    /** @return {@code r:} for recursive, the empty string for flat */
    public String prefix() {
        return prefix;
    }
}
