package dev.kiln.store;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A store directory, such as {@code /nix/store} or {@code /gnu/store}, and
 * the computation of the store paths under it, byte-exact with Nix.
 * <p>
 * Every store path is {@code <storeDir>/<hash>-<name>} where the hash is the
 * SHA-256 of a fingerprint {@code <type>:sha256:<base16>:<storeDir>:<name>},
 * folded to 20 bytes and written in nix-base32. The type says what the inner
 * hash covers: {@code source} (a NAR), {@code text:<references>} (a text file
 * such as a {@code .drv}), {@code output:<id>} (a derivation output).
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @param path the absolute directory, without a trailing slash
 */
public record StoreDir(String path) {

    /** Nix's default store directory. */
    public static final StoreDir NIX = new StoreDir("/nix/store");

    /** Guix's store directory. */
    public static final StoreDir GUIX = new StoreDir("/gnu/store");

    /**
     * Checks that the directory is absolute and canonical.
     */
    public StoreDir {
        if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("//")
                || path.contains("/./") || path.contains("/../") || path.endsWith("/.") || path.endsWith("/..")
                || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("store directory '" + path + "' is not a canonical absolute path");
        }
    }

    /**
     * Parses a full store path.
     *
     * @param storePath such as {@code /nix/store/<hash>-<name>}
     * @return the store path
     * @throws IllegalArgumentException if it is not directly under this store
     *                                  directory or has an invalid hash or name
     */
    public StorePath parsePath(String storePath) {
        if (!isInside(storePath)) {
            throw new IllegalArgumentException("path '" + storePath + "' is not in the store " + path);
        }
        return parseBaseName(storePath.substring(path.length() + 1));
    }

    /**
     * Tells whether a string is a valid store path under this directory.
     *
     * @param storePath any string
     * @return whether {@link #parsePath(String)} accepts it
     */
    public boolean isStorePath(String storePath) {
        try {
            parsePath(storePath);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean isInside(String storePath) {
        return storePath.length() > path.length() + 1 && storePath.startsWith(path) && storePath.charAt(path.length()) == '/';
    }

    /**
     * Parses the base name of a store path.
     *
     * @param baseName {@code <hash>-<name>}
     * @return the store path under this directory
     * @throws IllegalArgumentException if the hash or the name is invalid
     */
    public StorePath parseBaseName(String baseName) {
        if (baseName.length() < StorePath.HASH_PART_LENGTH + 2 || baseName.charAt(StorePath.HASH_PART_LENGTH) != '-') {
            throw new IllegalArgumentException("'" + baseName + "' is not a store path base name <hash>-<name>");
        }
        return new StorePath(this, baseName.substring(0, StorePath.HASH_PART_LENGTH),
                baseName.substring(StorePath.HASH_PART_LENGTH + 1));
    }

    /**
     * Computes a store path from its type, inner hash and name: Nix's
     * {@code makeStorePath}.
     *
     * @param type such as {@code source}, {@code output:out} or {@code text:<refs>}
     * @param hash the inner hash
     * @param name the name of the path
     * @return the store path
     */
    public StorePath makeStorePath(String type, Hash hash, String name) {
        StorePath.checkName(name);
        String fingerprint = type + ":" + hash.toPrefixedBase16() + ":" + path + ":" + name;
        byte[] pathHash = Hash.of(HashAlgorithm.SHA256, fingerprint).compress(20);
        return new StorePath(this, NixBase32.encode(pathHash), name);
    }

    /**
     * Computes the path of an output of an input-addressed derivation.
     *
     * @param outputName the output, such as {@code out} or {@code dev}
     * @param drvHash    the derivation's hash modulo fixed outputs, computed with its outputs masked
     * @param drvName    the derivation's name; outputs other than {@code out} get {@code -<output>} appended
     * @return the output path
     */
    public StorePath outputPath(String outputName, Hash drvHash, String drvName) {
        String name = outputName.equals("out") ? drvName : drvName + "-" + outputName;
        return makeStorePath("output:" + outputName, drvHash, name);
    }

    /**
     * Computes the path of a text file with references, such as a
     * {@code .drv} file (whose references are its input sources and input
     * derivations).
     *
     * @param name       the name, such as {@code hello.drv}
     * @param textHash   the SHA-256 of the text
     * @param references the store paths the text refers to
     * @return the store path
     */
    public StorePath textPath(String name, Hash textHash, Collection<StorePath> references) {
        return contentAddressedPath(name, new ContentAddress.Text(textHash), references, false);
    }

    /**
     * Computes the path of a fixed-output result without references.
     *
     * @param name   the name
     * @param method flat file or NAR
     * @param hash   the hash of the content
     * @return the store path
     */
    public StorePath fixedOutputPath(String name, FileIngestionMethod method, Hash hash) {
        return contentAddressedPath(name, new ContentAddress.Fixed(method, hash), List.of(), false);
    }

    /**
     * Computes the path of a source added to the store (recursive, SHA-256).
     *
     * @param name       the name
     * @param narHash    the SHA-256 of the NAR of the source
     * @param references the store paths the source refers to
     * @return the store path
     */
    public StorePath sourcePath(String name, Hash narHash, Collection<StorePath> references) {
        return contentAddressedPath(name, new ContentAddress.Fixed(FileIngestionMethod.RECURSIVE, narHash), references, false);
    }

    /**
     * Computes the path of any content-addressed store object, as Nix's
     * {@code makeFixedOutputPathFromCA}: text files hash their text with their
     * references; recursive SHA-256 is a {@code source} with references; any
     * other fixed output hashes {@code fixed:out:<method><algo>:<base16>:}
     * and cannot have references.
     *
     * @param name           the name
     * @param contentAddress how the content was hashed
     * @param references     the store paths it refers to
     * @param selfReference  whether it refers to itself (only for sources)
     * @return the store path
     * @throws IllegalArgumentException if the kind of content address cannot have references
     */
    public StorePath contentAddressedPath(String name, ContentAddress contentAddress, Collection<StorePath> references,
            boolean selfReference) {
        return switch (contentAddress) {
            case ContentAddress.Text text -> {
                if (text.hash().algorithm() != HashAlgorithm.SHA256) {
                    throw new IllegalArgumentException("a text path needs a sha256 hash");
                }
                if (selfReference) {
                    throw new IllegalArgumentException("a text path cannot refer to itself");
                }
                yield makeStorePath(typeWithReferences("text", references, false), text.hash(), name);
            }
            case ContentAddress.Fixed fixed when fixed.method() == FileIngestionMethod.RECURSIVE
                    && fixed.hash().algorithm() == HashAlgorithm.SHA256 ->
                makeStorePath(typeWithReferences("source", references, selfReference), fixed.hash(), name);
            case ContentAddress.Fixed fixed -> {
                if (!references.isEmpty() || selfReference) {
                    throw new IllegalArgumentException("a fixed output hashed with " + fixed.method().prefix()
                            + fixed.hash().algorithm().nixName() + " cannot have references");
                }
                Hash inner = Hash.of(HashAlgorithm.SHA256,
                        "fixed:out:" + fixed.method().prefix() + fixed.hash().toPrefixedBase16() + ":");
                yield makeStorePath("output:out", inner, name);
            }
        };
    }

    private String typeWithReferences(String type, Collection<StorePath> references, boolean selfReference) {
        StringBuilder result = new StringBuilder(type);
        for (StorePath reference : new TreeSet<>(references)) {
            if (!reference.storeDir().equals(this)) {
                throw new IllegalArgumentException("reference " + reference + " is not in the store " + path);
            }
            result.append(':').append(reference);
        }
        if (selfReference) {
            result.append(":self");
        }
        return result.toString();
    }

    @Override
    public String toString() {
        return path;
    }
}
