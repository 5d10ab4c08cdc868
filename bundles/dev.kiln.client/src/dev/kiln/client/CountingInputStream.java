package dev.kiln.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Tells how many bytes of a body of known size have been read so far, after each read: the progress of an upload. */
final class CountingInputStream extends FilterInputStream {

    private final TransferProgress progress;
    private final long total;
    private long count;

    CountingInputStream(InputStream in, long total, TransferProgress progress) {
        super(in);
        this.total = total;
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            progress.sent(++count, total);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read > 0) {
            count += read;
            progress.sent(count, total);
        }
        return read;
    }
}
