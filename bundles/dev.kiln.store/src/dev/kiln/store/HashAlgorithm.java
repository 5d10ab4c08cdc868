package dev.kiln.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The hash algorithms that Nix knows, with their Nix names and sizes. MD5 and
 * SHA-1 appear only in fixed-output derivations and content addresses.
 */
public enum HashAlgorithm {
    MD5("md5", "MD5", 16),
    SHA1("sha1", "SHA-1", 20),
    SHA256("sha256", "SHA-256", 32),
    SHA512("sha512", "SHA-512", 64);

    private final String nixName;
    private final String jdkName;
    private final int byteCount;
    /** Cloning a digest is much cheaper than looking one up in the providers, and paths are hashed by the thousand. */
    private final MessageDigest prototype;

    HashAlgorithm(String nixName, String jdkName, int byteCount) {
        this.nixName = nixName;
        this.jdkName = jdkName;
        this.byteCount = byteCount;
        this.prototype = lookUp(jdkName);
    }

    private static MessageDigest lookUp(String jdkName) {
        try {
            return MessageDigest.getInstance(jdkName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks the mandatory digest " + jdkName, e);
        }
    }

    /** @return the name Nix uses, such as {@code sha256} */
    public String nixName() {
        return nixName;
    }

    /** @return the size of a hash in bytes */
    public int byteCount() {
        return byteCount;
    }

    /** @return the length of a hash in base 16 */
    public int base16Length() {
        return byteCount * 2;
    }

    /** @return the length of a hash in nix-base32 */
    public int base32Length() {
        return NixBase32.encodedLength(byteCount);
    }

    /** @return the length of a hash in padded base 64 */
    public int base64Length() {
        return (byteCount + 2) / 3 * 4;
    }

    /** @return a new digest of this algorithm; every JDK provides all four */
    public MessageDigest newDigest() {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp(jdkName);
        }
    }

    /**
     * Finds an algorithm by its Nix name.
     *
     * @param nixName a name such as {@code sha256}
     * @return the algorithm, or empty for an unknown name
     */
    public static Optional<HashAlgorithm> byNixName(String nixName) {
        for (HashAlgorithm algorithm : values()) {
            if (algorithm.nixName.equals(nixName)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /**
     * Like {@link #byNixName(String)}, for names that must be valid.
     *
     * @param nixName a name such as {@code sha256}
     * @return the algorithm
     * @throws IllegalArgumentException for an unknown name
     */
    public static HashAlgorithm parse(String nixName) {
        return byNixName(nixName)
                .orElseThrow(() -> new IllegalArgumentException("unknown hash algorithm '" + nixName + "'"));
    }
}
