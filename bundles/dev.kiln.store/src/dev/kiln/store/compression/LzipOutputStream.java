package dev.kiln.store.compression;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

/** Writes one lzip member (see {@link LzipInputStream}) with an 8 MiB dictionary, as {@code lzip -6} does. */
final class LzipOutputStream extends OutputStream {

    private static final int DICTIONARY_EXPONENT = 23;

    private final CountingOutputStream out;
    private final LZMAOutputStream lzma;
    private final CRC32 crc = new CRC32();
    private long dataSize;
    private boolean closed;

    LzipOutputStream(OutputStream target) throws IOException {
        this.out = new CountingOutputStream(target);
        out.write(new byte[] {'L', 'Z', 'I', 'P', 1, DICTIONARY_EXPONENT});
        LZMA2Options options = new LZMA2Options(LZMA2Options.PRESET_DEFAULT);
        options.setDictSize(1 << DICTIONARY_EXPONENT);
        options.setLcLp(3, 0);
        options.setPb(2);
        lzma = new LZMAOutputStream(new NonClosing(out), options, true);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        lzma.write(bytes, offset, length);
        crc.update(bytes, offset, length);
        dataSize += length;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        lzma.close();
        byte[] trailer = new byte[20];
        littleEndian(trailer, 0, 4, crc.getValue());
        littleEndian(trailer, 4, 8, dataSize);
        littleEndian(trailer, 12, 8, out.count + trailer.length);
        out.write(trailer);
        out.close();
    }

    private static void littleEndian(byte[] bytes, int offset, int length, long value) {
        for (int i = 0; i < length; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Counts the bytes written, for the member size in the trailer. */
    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }
    }

    /** Keeps the LZMA encoder from closing the target before the trailer is written. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
