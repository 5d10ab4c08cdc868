package dev.kiln.store.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Converts between the JDK's ed25519 keys and the raw bytes of RFC 8032
 * (and libsodium), which Nix stores in its key files.
 */
public final class Ed25519Keys {

    /** Bytes of a public key. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Bytes of a libsodium secret key: seed, then public key. */
    public static final int SECRET_KEY_LENGTH = 64;
    /** Bytes of a signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final byte[] PROBE = "kiln key check".getBytes(StandardCharsets.US_ASCII);

    private Ed25519Keys() {
    }

    /** @return a fresh key pair from the JDK's default secure random source */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        }
    }

    /**
     * @param key a JDK ed25519 private key
     * @return its 32-byte seed
     */
    public static byte[] seed(PrivateKey key) {
        return ((EdECPrivateKey) key).getBytes().orElseThrow(() -> new IllegalStateException("the private key does not expose its seed"));
    }

    /**
     * Encodes a public key as RFC 8032 does: y in little-endian, the parity
     * of x in the top bit.
     *
     * @param key a JDK ed25519 public key
     * @return its 32 bytes
     */
    public static byte[] publicKeyBytes(PublicKey key) {
        EdECPoint point = ((EdECPublicKey) key).getPoint();
        byte[] bigEndian = point.getY().toByteArray();
        byte[] encoded = new byte[PUBLIC_KEY_LENGTH];
        for (int i = 0; i < Math.min(bigEndian.length, PUBLIC_KEY_LENGTH); i++) {
            encoded[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (point.isXOdd()) {
            encoded[PUBLIC_KEY_LENGTH - 1] |= (byte) 0x80;
        }
        return encoded;
    }

    /**
     * @param bytes the 32 bytes of an RFC 8032 public key
     * @return the JDK key
     * @throws GeneralSecurityException if the bytes are not a key
     */
    public static PublicKey publicKey(byte[] bytes) throws GeneralSecurityException {
        byte[] bigEndian = new byte[PUBLIC_KEY_LENGTH];
        for (int i = 0; i < PUBLIC_KEY_LENGTH; i++) {
            bigEndian[i] = bytes[PUBLIC_KEY_LENGTH - 1 - i];
        }
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        return KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }

    /**
     * @param seed the 32-byte seed
     * @return the JDK key
     * @throws GeneralSecurityException if the JDK refuses the seed
     */
    public static PrivateKey privateKey(byte[] seed) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
    }

    /**
     * Tells whether the public half of a libsodium secret key belongs to its
     * seed, by signing with the one and verifying with the other (the JDK
     * has no way to derive a public key from a seed).
     *
     * @param secretKey the 64 bytes of a secret key
     * @return whether the halves match
     */
    public static boolean isConsistent(byte[] secretKey) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey(Arrays.copyOf(secretKey, 32)));
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey(Arrays.copyOfRange(secretKey, 32, 64)));
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
