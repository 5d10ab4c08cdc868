package dev.kiln.store.nar;

import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.internal.FileNames;
import dev.kiln.store.internal.NarTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serialises a file tree as a NAR (Nix ARchive), byte-identical to
 * {@code nix-store --dump}.
 * <p>
 * A NAR holds only what Nix keeps of a file tree: regular files (with their
 * owner-executable bit), symbolic links (not followed) and directories whose
 * entries are sorted by the bytes of their names. Times, owners and other
 * permission bits are not archived; any other kind of file is refused.
 * The writer streams: memory use does not depend on the size of the tree
 * (beyond one directory listing at a time). Each call is independent and may
 * run on any thread.
 */
public final class NarWriter {

    private static final int BUFFER_SIZE = 256 * 1024;
    private static final byte[] MAGIC = NarTokens.encode(NarTokens.MAGIC);
    private static final byte[] OPEN = NarTokens.encode("(");
    private static final byte[] CLOSE = NarTokens.encode(")");
    private static final byte[] TYPE = NarTokens.encode("type");
    private static final byte[] REGULAR = NarTokens.encode("regular");
    private static final byte[] EXECUTABLE = NarTokens.encode("executable");
    private static final byte[] EMPTY = NarTokens.encode("");
    private static final byte[] CONTENTS = NarTokens.encode("contents");
    private static final byte[] SYMLINK = NarTokens.encode("symlink");
    private static final byte[] TARGET = NarTokens.encode("target");
    private static final byte[] DIRECTORY = NarTokens.encode("directory");
    private static final byte[] ENTRY = NarTokens.encode("entry");
    private static final byte[] NAME = NarTokens.encode("name");
    private static final byte[] NODE = NarTokens.encode("node");

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final ByteBuffer bufferView = ByteBuffer.wrap(buffer);
    private int filled;

    private NarWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes the NAR of a file tree.
     *
     * @param root the file, symbolic link or directory to archive
     * @param out  where the NAR goes; it is flushed, not closed
     * @throws IOException if the tree cannot be read, holds a special file or
     *                     a name the platform cannot represent exactly, or
     *                     changes while it is being archived
     */
    public static void write(Path root, OutputStream out) throws IOException {
        NarWriter writer = new NarWriter(out);
        writer.put(MAGIC);
        writer.node(root);
        writer.flushBuffer();
        out.flush();
    }

    /**
     * Computes the SHA-256 and size of the NAR of a file tree without keeping
     * it.
     *
     * @param root the file, symbolic link or directory
     * @return the NAR's hash and size
     * @throws IOException as {@link #write(Path, OutputStream)}
     */
    public static NarDigest digest(Path root) throws IOException {
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, OutputStream.nullOutputStream());
        write(root, hashing);
        return hashing.digest();
    }

    private void node(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        put(OPEN);
        put(TYPE);
        if (attributes.isRegularFile()) {
            put(REGULAR);
            if (attributes.permissions().contains(PosixFilePermission.OWNER_EXECUTE)) {
                put(EXECUTABLE);
                put(EMPTY);
            }
            put(CONTENTS);
            contents(path, attributes.size());
        } else if (attributes.isSymbolicLink()) {
            put(SYMLINK);
            put(TARGET);
            putString(FileNames.targetBytes(path, Files.readSymbolicLink(path)));
        } else if (attributes.isDirectory()) {
            put(DIRECTORY);
            for (Entry entry : sortedEntries(path)) {
                put(ENTRY);
                put(OPEN);
                put(NAME);
                putString(entry.name);
                put(NODE);
                node(entry.path);
                put(CLOSE);
            }
        } else {
            throw new IOException(path + " is neither a regular file, a symbolic link nor a directory; a NAR cannot hold it");
        }
        put(CLOSE);
    }

    private record Entry(byte[] name, Path path) {
    }

    private static List<Entry> sortedEntries(Path directory) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                entries.add(new Entry(FileNames.nameBytes(child), child));
            }
        }
        entries.sort((left, right) -> Arrays.compareUnsigned(left.name, right.name));
        return entries;
    }

    private void contents(Path file, long size) throws IOException {
        putLong(size);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long remaining = size;
            while (remaining > 0) {
                if (filled == buffer.length) {
                    flushBuffer();
                }
                int chunk = (int) Math.min(remaining, buffer.length - filled);
                bufferView.limit(filled + chunk).position(filled);
                int read = channel.read(bufferView);
                if (read < 0) {
                    throw new IOException(file + " shrank while it was being archived");
                }
                filled += read;
                remaining -= read;
            }
        }
        putPadding(size);
    }

    private void putString(byte[] bytes) throws IOException {
        putLong(bytes.length);
        put(bytes);
        putPadding(bytes.length);
    }

    private void put(byte[] bytes) throws IOException {
        if (buffer.length - filled < bytes.length) {
            flushBuffer();
            if (bytes.length > buffer.length) {
                out.write(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, filled, bytes.length);
        filled += bytes.length;
    }

    private void putLong(long value) throws IOException {
        if (buffer.length - filled < 8) {
            flushBuffer();
        }
        NarTokens.writeLong(buffer, filled, value);
        filled += 8;
    }

    private void putPadding(long length) throws IOException {
        int padding = NarTokens.padding(length);
        if (buffer.length - filled < padding) {
            flushBuffer();
        }
        Arrays.fill(buffer, filled, filled + padding, (byte) 0);
        filled += padding;
    }

    private void flushBuffer() throws IOException {
        if (filled > 0) {
            out.write(buffer, 0, filled);
            filled = 0;
        }
    }
}
