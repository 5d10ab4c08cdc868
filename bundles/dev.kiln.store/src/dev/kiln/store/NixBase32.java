package dev.kiln.store;

import java.util.Arrays;

/**
 * Nix's own base-32 encoding of hashes, as used in store paths and in
 * {@code sha256:...} hash strings.
 * <p>
 * It differs from RFC 4648 base-32 in two ways: the alphabet
 * {@code 0123456789abcdfghijklmnpqrsvwxyz} omits {@code e o u t} (so that no
 * words appear in store paths), and the bits are taken from the end of the
 * byte array towards its start, so the first character encodes the
 * <em>last</em> bits. A hash of {@code n} bytes has {@code (8n - 1) / 5 + 1}
 * characters. This class is stateless and thread-safe.
 */
public final class NixBase32 {

    /** The 32 characters of the alphabet, in digit order. */
    public static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    private static final byte[] DIGIT_OF_CHAR = new byte[128];

    static {
        Arrays.fill(DIGIT_OF_CHAR, (byte) -1);
        for (int digit = 0; digit < ALPHABET.length(); digit++) {
            DIGIT_OF_CHAR[ALPHABET.charAt(digit)] = (byte) digit;
        }
    }

    private NixBase32() {
    }

    /**
     * Returns the number of characters that encode {@code byteCount} bytes.
     *
     * @param byteCount the length of the decoded value
     * @return the length of its encoding
     */
    public static int encodedLength(int byteCount) {
        return byteCount == 0 ? 0 : (byteCount * 8 - 1) / 5 + 1;
    }

    /**
     * Tells whether {@code c} is one of the 32 characters of the alphabet.
     *
     * @param c any character
     * @return whether it is a nix-base32 digit
     */
    public static boolean isDigit(int c) {
        return c >= 0 && c < 128 && DIGIT_OF_CHAR[c] >= 0;
    }

    /**
     * Encodes bytes.
     *
     * @param bytes the value to encode
     * @return its nix-base32 form
     */
    public static String encode(byte[] bytes) {
        int length = encodedLength(bytes.length);
        char[] chars = new char[length];
        for (int n = length - 1; n >= 0; n--) {
            int bit = n * 5;
            int i = bit / 8;
            int j = bit % 8;
            int low = (bytes[i] & 0xff) >> j;
            int high = i + 1 < bytes.length ? (bytes[i + 1] & 0xff) << (8 - j) : 0;
            chars[length - 1 - n] = ALPHABET.charAt((low | high) & 0x1f);
        }
        return new String(chars);
    }

    /**
     * Decodes a string that encodes exactly {@code byteCount} bytes.
     *
     * @param encoded   the nix-base32 text
     * @param byteCount the length of the decoded value
     * @return the decoded bytes
     * @throws IllegalArgumentException if the text has the wrong length, a
     *                                  character outside the alphabet, or bits
     *                                  set beyond {@code byteCount} bytes
     */
    public static byte[] decode(CharSequence encoded, int byteCount) {
        int length = encodedLength(byteCount);
        if (encoded.length() != length) {
            throw new IllegalArgumentException("nix-base32 value of " + byteCount + " bytes must have " + length
                    + " characters, not " + encoded.length() + ": '" + encoded + "'");
        }
        byte[] bytes = new byte[byteCount];
        for (int n = 0; n < length; n++) {
            char c = encoded.charAt(length - 1 - n);
            int digit = c < 128 ? DIGIT_OF_CHAR[c] : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("character '" + c + "' is not a nix-base32 digit in '" + encoded + "'");
            }
            int bit = n * 5;
            int i = bit / 8;
            int j = bit % 8;
            bytes[i] |= (byte) (digit << j);
            int carry = digit >> (8 - j);
            if (i + 1 < byteCount) {
                bytes[i + 1] |= (byte) carry;
            } else if (carry != 0) {
                throw new IllegalArgumentException("nix-base32 value '" + encoded + "' has bits beyond " + byteCount + " bytes");
            }
        }
        return bytes;
    }
}
