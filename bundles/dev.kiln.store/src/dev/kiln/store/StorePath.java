package dev.kiln.store;

import java.util.Objects;

/**
 * A path directly under a store directory: {@code <storeDir>/<hash>-<name>},
 * with a hash part of 32 nix-base32 characters (160 bits) and a name of at
 * most 211 characters from {@code [A-Za-z0-9+-._?=]}.
 * <p>
 * Store paths order by their base name, as Nix orders them in references and
 * fingerprints. Create them through {@link StoreDir#parsePath(String)},
 * {@link StoreDir#parseBaseName(String)} or the path computations of
 * {@link StoreDir}. Instances are immutable and thread-safe; they are equal
 * when their full paths are.
 */
public final class StorePath implements Comparable<StorePath> {

    /** The length of the hash part. */
    public static final int HASH_PART_LENGTH = 32;

    /** The longest name Nix accepts. */
    public static final int MAX_NAME_LENGTH = 211;

    private final StoreDir storeDir;
    private final String hashPart;
    private final String name;
    /** The full path, kept because it is printed and compared far more often than it is made. */
    private final String path;

    /**
     * Validates the parts.
     *
     * @param storeDir the store directory that holds the path
     * @param hashPart the 32-character hash part
     * @param name     the name after the dash
     * @throws IllegalArgumentException if the hash part or the name is invalid
     */
    public StorePath(StoreDir storeDir, String hashPart, String name) {
        this.storeDir = Objects.requireNonNull(storeDir, "storeDir");
        checkHashPart(hashPart);
        checkName(name);
        this.hashPart = hashPart;
        this.name = name;
        this.path = storeDir.path() + "/" + hashPart + "-" + name;
    }

    /** @return the store directory that holds the path */
    public StoreDir storeDir() {
        return storeDir;
    }

    /** @return the 32-character hash part */
    public String hashPart() {
        return hashPart;
    }

    /** @return the name after the dash */
    public String name() {
        return name;
    }

    /** @return {@code <hash>-<name>} */
    public String baseName() {
        return path.substring(storeDir.path().length() + 1);
    }

    /** @return whether the name ends with {@code .drv} */
    public boolean isDerivation() {
        return name.endsWith(".drv");
    }

    /** @return the full path, {@code <storeDir>/<hash>-<name>} */
    @Override
    public String toString() {
        return path;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StorePath storePath && storePath.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    /** Orders by base name (the hash part has a fixed length, so by hash part, then name), then store directory. */
    @Override
    public int compareTo(StorePath other) {
        int byHash = hashPart.compareTo(other.hashPart);
        if (byHash != 0) {
            return byHash;
        }
        int byName = name.compareTo(other.name);
        return byName != 0 ? byName : storeDir.path().compareTo(other.storeDir.path());
    }

    static void checkHashPart(String hashPart) {
        if (hashPart.length() != HASH_PART_LENGTH) {
            throw new IllegalArgumentException("store path hash '" + hashPart + "' must have " + HASH_PART_LENGTH + " characters");
        }
        for (int i = 0; i < hashPart.length(); i++) {
            if (!NixBase32.isDigit(hashPart.charAt(i))) {
                throw new IllegalArgumentException("store path hash '" + hashPart + "' has the character '" + hashPart.charAt(i)
                        + "', which is not a nix-base32 digit");
            }
        }
    }

    /**
     * Checks a store path name as Nix does.
     *
     * @param name the name after the hash part and its dash
     * @throws IllegalArgumentException if Nix would refuse the name
     */
    public static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("store path name is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("store path name '" + name + "' is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || c == '+' || c == '-' || c == '.' || c == '_' || c == '?' || c == '=';
            if (!allowed) {
                throw new IllegalArgumentException("store path name '" + name + "' contains the illegal character '" + c + "'");
            }
        }
    }
}
