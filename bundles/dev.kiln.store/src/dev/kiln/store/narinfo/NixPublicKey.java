package dev.kiln.store.narinfo;

import dev.kiln.store.internal.Ed25519Keys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An ed25519 public key in Nix's format {@code <name>:<base64 of 32 bytes>},
 * as in {@code trusted-public-keys}. It verifies signatures
 * {@code <name>:<base64 of 64 bytes>} made by the secret key of the same
 * name. Immutable and thread-safe.
 *
 * @param name  the key's name, such as {@code cache.example.org-1}
 * @param bytes the 32 bytes of the key
 */
public record NixPublicKey(String name, byte[] bytes) {

    /** Validates and copies the parts. */
    public NixPublicKey {
        NixSecretKey.checkName(name);
        if (bytes.length != Ed25519Keys.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("an ed25519 public key has " + Ed25519Keys.PUBLIC_KEY_LENGTH + " bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** @return a copy of the key's bytes */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Parses a key in Nix's format.
     *
     * @param text {@code <name>:<base64>}, surrounding white space ignored
     * @return the key
     * @throws NarInfoFormatException if the text is not a public key
     */
    public static NixPublicKey parse(String text) throws NarInfoFormatException {
        String[] parts = NixSecretKey.split(text.strip(), "public key");
        try {
            return new NixPublicKey(parts[0], Base64.getDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new NarInfoFormatException("invalid public key: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies a signature.
     *
     * @param message   the signed text, such as a narinfo fingerprint
     * @param signature {@code <name>:<base64>}
     * @return whether the signature is this key's name and a valid signature of the message
     */
    public boolean verify(String message, String signature) {
        int colon = signature.indexOf(':');
        if (colon < 0 || !signature.substring(0, colon).equals(name)) {
            return false;
        }
        try {
            byte[] signatureBytes = Base64.getDecoder().decode(signature.substring(colon + 1));
            if (signatureBytes.length != Ed25519Keys.SIGNATURE_LENGTH) {
                return false;
            }
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(Ed25519Keys.publicKey(bytes));
            verifier.update(message.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(signatureBytes);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /** @return {@code <name>:<base64>} */
    @Override
    public String toString() {
        return name + ":" + Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NixPublicKey key && key.name.equals(name) && Arrays.equals(key.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(bytes));
    }
}
