package dev.kiln.store.internal;

import java.nio.charset.StandardCharsets;

/**
 * The NAR format's fixed strings and its encoding rules: every string is a
 * little-endian 64-bit length, the bytes, and zero padding to a multiple of
 * eight bytes.
 */
public final class NarTokens {

    /** The magic string at the start of every NAR. */
    public static final String MAGIC = "nix-archive-1";

    /** The longest file name or symbolic link target accepted when reading. */
    public static final int MAX_NAME_LENGTH = 4096;

    private NarTokens() {
    }

    /**
     * @param length a string or content length
     * @return the number of zero bytes that follow it
     */
    public static int padding(long length) {
        return (int) (-length & 7);
    }

    /**
     * Encodes a string with its length and padding.
     *
     * @param text an ASCII string
     * @return its NAR encoding
     */
    public static byte[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        byte[] encoded = new byte[8 + bytes.length + padding(bytes.length)];
        writeLong(encoded, 0, bytes.length);
        System.arraycopy(bytes, 0, encoded, 8, bytes.length);
        return encoded;
    }

    /**
     * Writes a little-endian 64-bit value.
     *
     * @param target the array
     * @param offset where to write
     * @param value  the value
     */
    public static void writeLong(byte[] target, int offset, long value) {
        for (int i = 0; i < 8; i++) {
            target[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
