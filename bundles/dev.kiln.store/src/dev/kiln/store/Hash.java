package dev.kiln.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A hash value with its algorithm, and its four textual forms: base 16,
 * nix-base32, base 64 and SRI ({@code sha256-<base64>}).
 * <p>
 * Instances are immutable: the byte array is copied in and out.
 *
 * @param algorithm the algorithm that produced the value
 * @param bytes     the raw value, {@link HashAlgorithm#byteCount()} bytes long
 */
public record Hash(HashAlgorithm algorithm, byte[] bytes) {

    private static final HexFormat HEX = HexFormat.of();

    /**
     * Checks the length of the value and copies it.
     */
    public Hash {
        Objects.requireNonNull(algorithm, "algorithm");
        if (bytes.length != algorithm.byteCount()) {
            throw new IllegalArgumentException(algorithm.nixName() + " hash must have " + algorithm.byteCount()
                    + " bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** @return a copy of the raw value */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Hashes bytes.
     *
     * @param algorithm the algorithm
     * @param data      the bytes to hash
     * @return their hash
     */
    public static Hash of(HashAlgorithm algorithm, byte[] data) {
        return new Hash(algorithm, algorithm.newDigest().digest(data));
    }

    /**
     * Hashes the UTF-8 encoding of a string.
     *
     * @param algorithm the algorithm
     * @param text      the text to hash
     * @return the hash of its UTF-8 bytes
     */
    public static Hash of(HashAlgorithm algorithm, String text) {
        return of(algorithm, text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return lower-case base 16, without prefix */
    public String toBase16() {
        return HEX.formatHex(bytes);
    }

    /** @return nix-base32, without prefix */
    public String toBase32() {
        return NixBase32.encode(bytes);
    }

    /** @return padded standard base 64, without prefix */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** @return the SRI form, such as {@code sha256-mJIo...=} */
    public String toSri() {
        return algorithm.nixName() + "-" + toBase64();
    }

    /** @return {@code <algorithm>:<base16>}, as Nix writes it in store path fingerprints */
    public String toPrefixedBase16() {
        return algorithm.nixName() + ":" + toBase16();
    }

    /** @return {@code <algorithm>:<nix-base32>}, as Nix writes it in narinfo files */
    public String toPrefixedBase32() {
        return algorithm.nixName() + ":" + toBase32();
    }

    /**
     * Parses a hash that names its algorithm: {@code <algorithm>:<hash>} with
     * the hash in base 16, nix-base32 or base 64 (told apart by their length),
     * or SRI {@code <algorithm>-<base64>}.
     *
     * @param text the hash text
     * @return the hash
     * @throws IllegalArgumentException if the text is none of these forms
     */
    public static Hash parse(String text) {
        int colon = text.indexOf(':');
        if (colon >= 0) {
            return parseUnprefixed(text.substring(colon + 1), HashAlgorithm.parse(text.substring(0, colon)));
        }
        int dash = text.indexOf('-');
        if (dash >= 0) {
            HashAlgorithm algorithm = HashAlgorithm.parse(text.substring(0, dash));
            String base64 = text.substring(dash + 1);
            if (base64.length() != algorithm.base64Length()) {
                throw new IllegalArgumentException("SRI hash '" + text + "' has the wrong length for " + algorithm.nixName());
            }
            return new Hash(algorithm, decodeBase64(base64, text));
        }
        throw new IllegalArgumentException("hash '" + text + "' does not name its algorithm");
    }

    /**
     * Parses a hash of a known algorithm, in base 16, nix-base32 or base 64
     * (told apart by their length), optionally prefixed by
     * {@code <algorithm>:} or in SRI form, which must then name the same algorithm.
     *
     * @param text      the hash text
     * @param algorithm the expected algorithm
     * @return the hash
     * @throws IllegalArgumentException if the text is not a hash of that algorithm
     */
    public static Hash parse(String text, HashAlgorithm algorithm) {
        if (text.indexOf(':') >= 0 || text.startsWith(algorithm.nixName() + "-")) {
            Hash hash = parse(text);
            if (hash.algorithm() != algorithm) {
                throw new IllegalArgumentException("hash '" + text + "' is not a " + algorithm.nixName() + " hash");
            }
            return hash;
        }
        return parseUnprefixed(text, algorithm);
    }

    private static Hash parseUnprefixed(String text, HashAlgorithm algorithm) {
        int length = text.length();
        if (length == algorithm.base16Length()) {
            try {
                return new Hash(algorithm, HEX.parseHex(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("hash '" + text + "' is not valid base 16", e);
            }
        }
        if (length == algorithm.base32Length()) {
            return new Hash(algorithm, NixBase32.decode(text, algorithm.byteCount()));
        }
        if (length == algorithm.base64Length()) {
            return new Hash(algorithm, decodeBase64(text, text));
        }
        throw new IllegalArgumentException("hash '" + text + "' has the wrong length for " + algorithm.nixName());
    }

    private static byte[] decodeBase64(String base64, String whole) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hash '" + whole + "' is not valid base 64", e);
        }
    }

    /**
     * Folds the hash onto {@code size} bytes by XOR, as Nix does to turn a
     * SHA-256 into the 20 bytes of a store path hash.
     *
     * @param size the length of the result
     * @return the folded bytes
     */
    public byte[] compress(int size) {
        byte[] folded = new byte[size];
        for (int i = 0; i < bytes.length; i++) {
            folded[i % size] ^= bytes[i];
        }
        return folded;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Hash hash && hash.algorithm == algorithm && Arrays.equals(hash.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    /** @return the form Nix prints by default, {@code <algorithm>:<nix-base32>} */
    @Override
    public String toString() {
        return toPrefixedBase32();
    }
}
