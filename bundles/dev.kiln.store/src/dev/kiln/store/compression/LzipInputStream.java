package dev.kiln.store.compression;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import org.tukaani.xz.LZMAInputStream;

/**
 * Reads lzip data (Guix's substitute servers compress NARs with it): one or more members, each a 6-byte header
 * ({@code LZIP}, version 1, the coded dictionary size), a raw LZMA stream (lc=3, lp=0, pb=2) ending with its end
 * marker, and a 20-byte trailer (CRC32 and size of the data, size of the member), all little-endian. The LZMA stream
 * is decoded by xz's {@link LZMAInputStream}, which reads no byte past its end marker; the trailer is checked at the
 * end of each member.
 */
final class LzipInputStream extends InputStream {

    private static final byte[] MAGIC = {'L', 'Z', 'I', 'P'};
    private static final int HEADER_SIZE = 6;
    private static final int TRAILER_SIZE = 20;
    /** lc=3, lp=0, pb=2 as LZMA codes them: (pb * 5 + lp) * 9 + lc. */
    private static final byte PROPERTIES = 93;

    private final CountingInputStream in;
    private final CRC32 crc = new CRC32();
    private LZMAInputStream member;
    private long memberStart;
    private long dataSize;
    private boolean finished;

    LzipInputStream(InputStream in) throws IOException {
        this.in = new CountingInputStream(in);
        if (!nextMember(true)) {
            throw new EOFException("not lzip data: it is empty");
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!finished) {
            int read = member.read(buffer, offset, length);
            if (read > 0) {
                crc.update(buffer, offset, read);
                dataSize += read;
                return read;
            }
            checkTrailer();
            if (!nextMember(false)) {
                finished = true;
            }
        }
        return -1;
    }

    /** Starts the next member; false at the end of the data (only allowed after a member). */
    private boolean nextMember(boolean first) throws IOException {
        memberStart = in.count;
        byte[] header = new byte[HEADER_SIZE];
        int read = in.readNBytes(header, 0, HEADER_SIZE);
        if (read == 0 && !first) {
            return false;
        }
        if (read < HEADER_SIZE || header[0] != MAGIC[0] || header[1] != MAGIC[1] || header[2] != MAGIC[2]
                || header[3] != MAGIC[3]) {
            throw new IOException("not lzip data: no LZIP header at byte " + memberStart);
        }
        if (header[4] != 1) {
            throw new IOException("lzip version " + header[4] + " is not supported");
        }
        int coded = header[5] & 0xff;
        int exponent = coded & 0x1f;
        if (exponent < 12 || exponent > 29) {
            throw new IOException("lzip dictionary size is invalid: " + coded);
        }
        int dictionarySize = (1 << exponent) - ((1 << exponent) / 16) * (coded >>> 5);
        member = new LZMAInputStream(new NonClosing(in), -1, PROPERTIES, dictionarySize);
        crc.reset();
        dataSize = 0;
        return true;
    }

    private void checkTrailer() throws IOException {
        byte[] trailer = in.readNBytes(TRAILER_SIZE);
        if (trailer.length < TRAILER_SIZE) {
            throw new EOFException("lzip data ends inside a member's trailer");
        }
        long storedCrc = littleEndian(trailer, 0, 4);
        long storedDataSize = littleEndian(trailer, 4, 8);
        long storedMemberSize = littleEndian(trailer, 12, 8);
        if (storedCrc != crc.getValue() || storedDataSize != dataSize || storedMemberSize != in.count - memberStart) {
            throw new IOException("lzip member at byte " + memberStart + " is corrupt: its trailer does not match");
        }
    }

    private static long littleEndian(byte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            value = value << 8 | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Counts the bytes read, to check each member's size. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int read = super.read();
            if (read >= 0) {
                count++;
            }
            return read;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("lzip data is read, not skipped");
        }
    }

    /** Keeps a member's decoder from closing the stream the next member is read from. */
    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the stream goes on with the next member
        }
    }
}
