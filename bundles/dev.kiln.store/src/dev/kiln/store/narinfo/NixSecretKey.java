package dev.kiln.store.narinfo;

import dev.kiln.store.internal.Ed25519Keys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An ed25519 secret key in Nix's format {@code <name>:<base64 of 64 bytes>},
 * the bytes being libsodium's: the 32-byte seed followed by the 32-byte
 * public key. It makes signatures {@code <name>:<base64 of 64 bytes>}, as in
 * a narinfo's {@code Sig} field. Immutable and thread-safe; its
 * {@link #toString()} is the secret itself, so do not log it.
 *
 * @param name  the key's name, such as {@code cache.example.org-1}
 * @param bytes the 64 bytes of the key
 */
public record NixSecretKey(String name, byte[] bytes) {

    /** Validates and copies the parts. */
    public NixSecretKey {
        checkName(name);
        if (bytes.length != Ed25519Keys.SECRET_KEY_LENGTH) {
            throw new IllegalArgumentException("an ed25519 secret key has " + Ed25519Keys.SECRET_KEY_LENGTH + " bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
        if (!Ed25519Keys.isConsistent(bytes)) {
            throw new IllegalArgumentException("the public half of secret key '" + name + "' does not match its seed");
        }
    }

    /** @return a copy of the key's bytes */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Generates a new key, as {@code nix-store --generate-binary-cache-key} does.
     *
     * @param name the key's name, such as {@code cache.example.org-1}
     * @return the key
     */
    public static NixSecretKey generate(String name) {
        KeyPair pair = Ed25519Keys.generate();
        byte[] bytes = new byte[Ed25519Keys.SECRET_KEY_LENGTH];
        System.arraycopy(Ed25519Keys.seed(pair.getPrivate()), 0, bytes, 0, 32);
        System.arraycopy(Ed25519Keys.publicKeyBytes(pair.getPublic()), 0, bytes, 32, 32);
        return new NixSecretKey(name, bytes);
    }

    /**
     * Parses a key in Nix's format.
     *
     * @param text {@code <name>:<base64>}, surrounding white space ignored
     * @return the key
     * @throws NarInfoFormatException if the text is not a valid secret key
     */
    public static NixSecretKey parse(String text) throws NarInfoFormatException {
        String[] parts = split(text.strip(), "secret key");
        try {
            return new NixSecretKey(parts[0], Base64.getDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new NarInfoFormatException("invalid secret key: " + e.getMessage(), e);
        }
    }

    /** @return the public key of the same name */
    public NixPublicKey publicKey() {
        return new NixPublicKey(name, Arrays.copyOfRange(bytes, 32, 64));
    }

    /**
     * Signs a message.
     *
     * @param message the text to sign, such as a narinfo fingerprint
     * @return {@code <name>:<base64 signature>}
     */
    public String sign(String message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(Ed25519Keys.privateKey(Arrays.copyOf(bytes, 32)));
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            return name + ":" + Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's Ed25519 refused a valid key", e);
        }
    }

    /** @return {@code <name>:<base64>}, the secret, as Nix writes it to a key file */
    @Override
    public String toString() {
        return name + ":" + Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NixSecretKey key && key.name.equals(name) && Arrays.equals(key.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(bytes));
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.indexOf(':') >= 0 || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("key name '" + name + "' must be non-empty, without ':' or white space");
        }
    }

    static String[] split(String text, String what) throws NarInfoFormatException {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new NarInfoFormatException(what + " is not <name>:<base64>");
        }
        return new String[] {text.substring(0, colon), text.substring(colon + 1)};
    }
}
