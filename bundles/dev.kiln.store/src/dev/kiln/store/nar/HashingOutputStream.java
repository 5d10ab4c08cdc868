package dev.kiln.store.nar;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Hashes and counts the bytes written through it, passing them on to another
 * stream. Not thread-safe, like any output stream.
 */
public final class HashingOutputStream extends OutputStream {

    private final OutputStream next;
    private final HashAlgorithm algorithm;
    private final MessageDigest digest;
    private long size;

    /**
     * @param algorithm the hash algorithm
     * @param next      where the bytes go on to; {@link OutputStream#nullOutputStream()} to only hash them
     */
    public HashingOutputStream(HashAlgorithm algorithm, OutputStream next) {
        this.algorithm = algorithm;
        this.digest = algorithm.newDigest();
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void write(int b) throws IOException {
        digest.update((byte) b);
        size++;
        next.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        digest.update(bytes, offset, length);
        size += length;
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

    /** @return the number of bytes written so far */
    public long size() {
        return size;
    }

    /**
     * Finishes the hash. Call it once, after the last write.
     *
     * @return the hash and size of everything written
     */
    public NarDigest digest() {
        return new NarDigest(new Hash(algorithm, digest.digest()), size);
    }
}
