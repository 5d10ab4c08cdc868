package dev.kiln.store.nar;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.internal.NarTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Reads a NAR from a stream, one entry at a time, checking it as it goes and
 * computing its SHA-256 and size.
 * <p>
 * Call {@link #next()} until it returns null; after a
 * {@link NarEntry.RegularFile}, the file's contents can be read with
 * {@link #contents()} or {@link #transferContents(OutputStream)} (what is not
 * read is skipped). Entries come in the archive's order: a directory before
 * its entries. The reader refuses, with a {@link NarFormatException}, any
 * deviation from the format and every name that is unsafe to unpack: empty,
 * {@code .} or {@code ..}, containing {@code /} or NUL, not valid UTF-8, or
 * not strictly after the previous name of the same directory (which also
 * refuses duplicates). The stream must end where the NAR ends.
 * <p>
 * Memory use is constant. Not thread-safe.
 */
public final class NarReader {

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_TOKEN_LENGTH = 16;

    private enum State { START, IN_FILE, AFTER_NODE, IN_DIRECTORY, END }

    /** A directory being read, with the last entry name seen in it. */
    private static final class DirectoryFrame {
        final String path;
        byte[] previousName;

        DirectoryFrame(String path) {
            this.path = path;
        }
    }

    private final InputStream in;
    private final MessageDigest digest = HashAlgorithm.SHA256.newDigest();
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private long bytesFromStream;
    private final Deque<DirectoryFrame> directories = new ArrayDeque<>();
    private State state = State.START;
    private long contentSize;
    private long contentRemaining;
    private NarDigest result;

    /**
     * @param in the NAR; the reader buffers it and does not close it
     */
    public NarReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next entry, skipping what remains of the current file's contents.
     *
     * @return the next entry, or null after the last one
     * @throws NarFormatException if the archive is malformed or unsafe
     * @throws IOException        if the stream fails
     */
    public NarEntry next() throws IOException {
        if (state == State.IN_FILE) {
            skip(contentRemaining);
            contentRemaining = 0;
            padding(contentSize);
            expectToken(")");
            state = State.AFTER_NODE;
        }
        while (true) {
            switch (state) {
                case START -> {
                    expectToken(NarTokens.MAGIC);
                    expectToken("(");
                    return node("");
                }
                case AFTER_NODE -> {
                    if (directories.isEmpty()) {
                        finish();
                        return null;
                    }
                    expectToken(")");
                    state = State.IN_DIRECTORY;
                }
                case IN_DIRECTORY -> {
                    long tokenOffset = offset();
                    String token = token();
                    if (token.equals(")")) {
                        directories.pop();
                        state = State.AFTER_NODE;
                    } else if (token.equals("entry")) {
                        return entry();
                    } else {
                        throw errorAt(tokenOffset, "expected 'entry' or ')' in a directory but found '" + token + "'");
                    }
                }
                case IN_FILE, END -> {
                    return null;
                }
            }
        }
    }

    private NarEntry entry() throws IOException {
        DirectoryFrame directory = directories.element();
        expectToken("(");
        expectToken("name");
        long nameOffset = offset();
        byte[] name = string(NarTokens.MAX_NAME_LENGTH, "entry name");
        String nameText = checkName(name, nameOffset);
        byte[] previous = directory.previousName;
        if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
            throw errorAt(nameOffset, Arrays.equals(previous, name)
                    ? "entry '" + nameText + "' appears twice in directory '" + directory.path + "'"
                    : "entry '" + nameText + "' is out of order in directory '" + directory.path + "'");
        }
        directory.previousName = name;
        expectToken("node");
        expectToken("(");
        return node(directory.path.isEmpty() ? nameText : directory.path + "/" + nameText);
    }

    private NarEntry node(String path) throws IOException {
        expectToken("type");
        long typeOffset = offset();
        String type = token();
        switch (type) {
            case "regular" -> {
                long tagOffset = offset();
                String tag = token();
                boolean executable = tag.equals("executable");
                if (executable) {
                    expectToken("");
                    tagOffset = offset();
                    tag = token();
                }
                if (!tag.equals("contents")) {
                    throw errorAt(tagOffset, "expected 'contents' but found '" + tag + "'");
                }
                long sizeOffset = offset();
                contentSize = readLong();
                if (contentSize < 0) {
                    throw errorAt(sizeOffset, "file size is out of range");
                }
                contentRemaining = contentSize;
                state = State.IN_FILE;
                return new NarEntry.RegularFile(path, executable, contentSize);
            }
            case "symlink" -> {
                expectToken("target");
                long targetOffset = offset();
                byte[] target = string(NarTokens.MAX_NAME_LENGTH, "symbolic link target");
                if (target.length == 0 || indexOf(target, (byte) 0) >= 0) {
                    throw errorAt(targetOffset, "symbolic link target is empty or contains NUL");
                }
                String targetText = utf8(target, targetOffset, "symbolic link target");
                expectToken(")");
                state = State.AFTER_NODE;
                return new NarEntry.Symlink(path, targetText);
            }
            case "directory" -> {
                directories.push(new DirectoryFrame(path));
                state = State.IN_DIRECTORY;
                return new NarEntry.Directory(path);
            }
            default -> throw errorAt(typeOffset, "unknown file type '" + type + "'");
        }
    }

    /**
     * Returns the contents of the file last returned by {@link #next()}, as a
     * stream that ends with them. It is valid until the next call to {@link #next()}.
     *
     * @return the contents
     * @throws IllegalStateException if the last entry is not a regular file
     */
    public InputStream contents() {
        if (state != State.IN_FILE) {
            throw new IllegalStateException("the last entry is not a regular file");
        }
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                return readContents(target, offset, length);
            }
        };
    }

    /**
     * Copies the rest of the current file's contents.
     *
     * @param out where to copy them
     * @return the number of bytes copied
     * @throws IOException if the stream or {@code out} fails
     */
    public long transferContents(OutputStream out) throws IOException {
        long copied = 0;
        while (contentRemaining > 0) {
            fill(1);
            int chunk = (int) Math.min(contentRemaining, limit - position);
            out.write(buffer, position, chunk);
            position += chunk;
            contentRemaining -= chunk;
            copied += chunk;
        }
        return copied;
    }

    private int readContents(byte[] target, int offset, int length) throws IOException {
        if (state != State.IN_FILE || contentRemaining == 0) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        fill(1);
        int chunk = (int) Math.min(Math.min(contentRemaining, limit - position), length);
        System.arraycopy(buffer, position, target, offset, chunk);
        position += chunk;
        contentRemaining -= chunk;
        return chunk;
    }

    /**
     * Returns the hash and size of the whole NAR, once {@link #next()} has returned null.
     *
     * @return the SHA-256 and size of the archive
     * @throws IllegalStateException if the archive has not been read to its end
     */
    public NarDigest digest() {
        if (result == null) {
            throw new IllegalStateException("the NAR has not been read to its end");
        }
        return result;
    }

    private void finish() throws IOException {
        if (position < limit || refill() > 0) {
            throw error("unexpected bytes after the end of the NAR");
        }
        result = new NarDigest(new Hash(HashAlgorithm.SHA256, digest.digest()), bytesFromStream);
        state = State.END;
    }

    private String checkName(byte[] name, long nameOffset) throws NarFormatException {
        boolean dots = name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
        if (name.length == 0 || dots || indexOf(name, (byte) '/') >= 0 || indexOf(name, (byte) 0) >= 0) {
            throw errorAt(nameOffset, "invalid entry name '" + new String(name, StandardCharsets.UTF_8).replace("\0", "\\0") + "'");
        }
        return utf8(name, nameOffset, "entry name");
    }

    private String utf8(byte[] bytes, long offset, String what) throws NarFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw errorAt(offset, what + " is not valid UTF-8");
        }
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private void expectToken(String expected) throws IOException {
        long tokenOffset = offset();
        String token = token();
        if (!token.equals(expected)) {
            throw errorAt(tokenOffset, "expected '" + expected + "' but found '" + token + "'");
        }
    }

    private String token() throws IOException {
        return new String(string(MAX_TOKEN_LENGTH, "keyword"), StandardCharsets.ISO_8859_1);
    }

    private byte[] string(int maxLength, String what) throws IOException {
        long lengthOffset = offset();
        long length = readLong();
        if (length < 0 || length > maxLength) {
            throw errorAt(lengthOffset, what + " has a length of " + Long.toUnsignedString(length) + " bytes, more than " + maxLength);
        }
        byte[] bytes = new byte[(int) length];
        fill(bytes.length);
        System.arraycopy(buffer, position, bytes, 0, bytes.length);
        position += bytes.length;
        padding(length);
        return bytes;
    }

    private long readLong() throws IOException {
        fill(8);
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | buffer[position + i] & 0xff;
        }
        position += 8;
        return value;
    }

    private void padding(long length) throws IOException {
        int padding = NarTokens.padding(length);
        fill(padding);
        for (int i = 0; i < padding; i++) {
            if (buffer[position + i] != 0) {
                throw error("non-zero padding");
            }
        }
        position += padding;
    }

    private void skip(long count) throws IOException {
        while (count > 0) {
            fill(1);
            int chunk = (int) Math.min(count, limit - position);
            position += chunk;
            count -= chunk;
        }
    }

    /** Makes at least {@code count} bytes (at most the buffer's size) available at {@code position}. */
    private void fill(int count) throws IOException {
        while (limit - position < count) {
            if (refill() < 0) {
                throw error("the NAR ends unexpectedly");
            }
        }
    }

    private int refill() throws IOException {
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read > 0) {
            digest.update(buffer, limit, read);
            limit += read;
            bytesFromStream += read;
        }
        return read;
    }

    private long offset() {
        return bytesFromStream - (limit - position);
    }

    private NarFormatException error(String message) {
        return errorAt(offset(), message);
    }

    private static NarFormatException errorAt(long offset, String message) {
        return new NarFormatException("at byte " + offset + " of the NAR: " + message);
    }
}
