package dev.kiln.cache.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;

/**
 * The NarHash and NarSize of an upload, computed while its bytes arrive: a virtual thread decompresses and hashes
 * the bytes the upload handed over, while the upload receives and writes the next ones, so that the check at the
 * build's success needs neither to read the file again nor to wait for the whole of it to be hashed.
 *
 * <p>It covers the first {@link #position()} bytes of the upload file. Whatever goes wrong (a corrupt stream, an
 * upload that stops and never comes back) only ends it: the file stays the reference, and is digested from disk
 * then.
 */
final class UploadDigest {

    /** An upload silent this long is given up on, so that its thread and its decompressor do not wait forever. */
    private static final long IDLE_MINUTES = 10;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(16);
    private final CompletableFuture<NarDigest> digest = new CompletableFuture<>();
    private long position;

    UploadDigest() {
        Thread.ofVirtual().name("kiln-upload-digest").start(this::run);
    }

    /** How many bytes of the upload file it was handed. */
    long position() {
        return position;
    }

    /** Hands over the next bytes of the upload (copied); returns false once it has ended. */
    boolean add(byte[] bytes, int length) throws InterruptedException {
        byte[] chunk = Arrays.copyOf(bytes, length);
        while (!digest.isDone()) {
            if (chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                position += length;
                return true;
            }
        }
        return false;
    }

    /** The digest of the bytes handed over, once they end there; empty if it could not be computed. */
    NarDigest finish() throws InterruptedException {
        try {
            while (!digest.isDone() && !chunks.offer(END, 100, TimeUnit.MILLISECONDS)) {
                // The thread is still busy with the chunks before.
            }
            return digest.get(IDLE_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** Ends it without a result: the upload was truncated or discarded. */
    void discard() {
        digest.complete(null);
        chunks.clear();
        // Wakes the thread if it waits for a chunk.
        chunks.offer(END);
    }

    private void run() {
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, OutputStream.nullOutputStream());
        try (InputStream in = Compression.ZSTD.decompress(new ChunkStream())) {
            in.transferTo(hashing);
            digest.complete(hashing.digest());
        } catch (IOException | RuntimeException e) {
            digest.completeExceptionally(e);
        } finally {
            chunks.clear();
        }
    }

    /** The chunks handed over, as one stream that ends at {@link #END}. */
    private final class ChunkStream extends InputStream {
        private byte[] current = new byte[0];
        private int offset;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int from, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (offset == current.length) {
                if (current == END) {
                    return -1;
                }
                current = next();
                offset = 0;
            }
            int count = Math.min(length, current.length - offset);
            System.arraycopy(current, offset, buffer, from, count);
            offset += count;
            return count;
        }

        private byte[] next() throws IOException {
            try {
                byte[] chunk = chunks.poll(IDLE_MINUTES, TimeUnit.MINUTES);
                if (chunk == null || digest.isDone()) {
                    throw new IOException("the upload stopped");
                }
                return chunk;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
