package dev.kiln.store.nar;

import dev.kiln.store.NixBase32;
import dev.kiln.store.StorePath;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Finds which of a set of store paths the bytes written through it refer
 * to, the way Nix computes the references of a build output: a path is
 * referred to when its 32-character hash part occurs anywhere in the bytes
 * (normally those of the output's NAR). The bytes are passed on to another
 * stream, so that scanning can share a pass with hashing and uploading.
 * <p>
 * As in Nix, each 32-byte window is checked from its end for a byte outside
 * the nix-base32 alphabet, and the search jumps past it, so binary data is
 * scanned quickly; a window made only of base-32 digits is looked up with a
 * 20-bit filter on its first four characters before an exact comparison.
 * Matches across the boundaries of writes are found. Not thread-safe.
 */
public final class ReferenceScanner extends OutputStream {

    private static final int HASH_LENGTH = StorePath.HASH_PART_LENGTH;
    private static final int PREFIX_CHARACTERS = 4;
    private static final boolean[] IS_BASE32 = new boolean[256];
    private static final byte[] DIGIT = new byte[256];

    static {
        for (int digit = 0; digit < NixBase32.ALPHABET.length(); digit++) {
            char c = NixBase32.ALPHABET.charAt(digit);
            IS_BASE32[c] = true;
            DIGIT[c] = (byte) digit;
        }
    }

    private final OutputStream next;
    private final Map<String, StorePath> candidatesByHash = new HashMap<>();
    private final long[] prefixFilter = new long[(1 << (5 * PREFIX_CHARACTERS)) / 64];
    private final SortedSet<StorePath> found = new TreeSet<>();
    /** The last bytes seen, which may begin a hash that the next write completes. */
    private final byte[] tail = new byte[2 * HASH_LENGTH];
    private int tailLength;

    /**
     * @param candidates the store paths to look for
     * @param next       where the bytes go on to; {@link OutputStream#nullOutputStream()} to only scan them
     */
    public ReferenceScanner(Collection<StorePath> candidates, OutputStream next) {
        this.next = Objects.requireNonNull(next, "next");
        for (StorePath candidate : candidates) {
            candidatesByHash.put(candidate.hashPart(), candidate);
            int prefix = prefix(candidate.hashPart().getBytes(StandardCharsets.US_ASCII), 0);
            prefixFilter[prefix >>> 6] |= 1L << prefix;
        }
    }

    /** @return the candidates found so far, in store path order */
    public SortedSet<StorePath> references() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(found));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (!candidatesByHash.isEmpty() && found.size() < candidatesByHash.size()) {
            scanAcrossBoundary(bytes, offset, length);
            scan(bytes, offset, offset + length);
            keepTail(bytes, offset, length);
        }
        next.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        next.flush();
    }

    @Override
    public void close() throws IOException {
        next.close();
    }

    /** Scans the windows that start in the previous writes and end in this one. */
    private void scanAcrossBoundary(byte[] bytes, int offset, int length) {
        if (tailLength == 0) {
            return;
        }
        int head = Math.min(length, HASH_LENGTH - 1);
        byte[] joined = new byte[tailLength + head];
        System.arraycopy(tail, 0, joined, 0, tailLength);
        System.arraycopy(bytes, offset, joined, tailLength, head);
        scan(joined, 0, joined.length);
    }

    private void keepTail(byte[] bytes, int offset, int length) {
        int keep = HASH_LENGTH - 1;
        if (length >= keep) {
            System.arraycopy(bytes, offset + length - keep, tail, 0, keep);
            tailLength = keep;
        } else {
            System.arraycopy(bytes, offset, tail, tailLength, length);
            tailLength += length;
            if (tailLength > keep) {
                System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                tailLength = keep;
            }
        }
    }

    private void scan(byte[] bytes, int from, int to) {
        int i = from;
        while (i + HASH_LENGTH <= to) {
            int j = HASH_LENGTH - 1;
            while (j >= 0 && IS_BASE32[bytes[i + j] & 0xff]) {
                j--;
            }
            if (j >= 0) {
                i += j + 1;
                continue;
            }
            int prefix = prefix(bytes, i);
            if ((prefixFilter[prefix >>> 6] & 1L << prefix) != 0) {
                StorePath candidate = candidatesByHash.get(new String(bytes, i, HASH_LENGTH, StandardCharsets.ISO_8859_1));
                if (candidate != null) {
                    found.add(candidate);
                }
            }
            i++;
        }
    }

    private static int prefix(byte[] bytes, int offset) {
        int prefix = 0;
        for (int k = 0; k < PREFIX_CHARACTERS; k++) {
            prefix = prefix << 5 | DIGIT[bytes[offset + k] & 0xff];
        }
        return prefix;
    }
}
