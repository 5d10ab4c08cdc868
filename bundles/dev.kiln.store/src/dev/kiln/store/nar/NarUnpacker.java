package dev.kiln.store.nar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Unpacks a NAR into a new file tree, safely.
 * <p>
 * Everything is created under the target and nothing else is touched: the
 * {@link NarReader} refuses names that could leave a directory, every file
 * and directory is created new (an existing one is an error, never
 * overwritten), and no symbolic link is followed, since an archived link
 * never has entries below it and files are opened with
 * {@link LinkOption#NOFOLLOW_LINKS}. Executable files get mode 0755 and
 * others 0644 (less the umask). If unpacking fails, what was created is
 * deleted. Each call is independent and may run on any thread.
 */
public final class NarUnpacker {

    private static final FileAttribute<Set<PosixFilePermission>> EXECUTABLE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));
    private static final FileAttribute<Set<PosixFilePermission>> NOT_EXECUTABLE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    private static final Set<StandardOpenOption> CREATE_NEW =
            EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);

    private NarUnpacker() {
    }

    /**
     * Unpacks a NAR.
     *
     * @param nar    the archive; read to its end, not closed
     * @param target the path to create: the root of the archive becomes this
     *               file, link or directory; it must not exist, its parent must
     * @return the SHA-256 and size of the archive
     * @throws NarFormatException if the archive is malformed or unsafe
     * @throws IOException        if the target exists or a file cannot be written
     */
    public static NarDigest unpack(InputStream nar, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the unpack target already exists");
        }
        NarReader reader = new NarReader(nar);
        try {
            for (NarEntry entry = reader.next(); entry != null; entry = reader.next()) {
                create(reader, entry, resolve(target, entry.path()));
            }
            return reader.digest();
        } catch (IOException | RuntimeException e) {
            deleteTree(target, e);
            throw e;
        }
    }

    private static Path resolve(Path target, String relativePath) throws IOException {
        if (relativePath.isEmpty()) {
            return target;
        }
        try {
            return target.resolve(relativePath);
        } catch (InvalidPathException e) {
            throw new IOException("the entry '" + relativePath + "' cannot be named in the platform's file name encoding", e);
        }
    }

    private static void create(NarReader reader, NarEntry entry, Path path) throws IOException {
        switch (entry) {
            case NarEntry.Directory ignored -> Files.createDirectory(path);
            case NarEntry.Symlink symlink -> Files.createSymbolicLink(path, linkTarget(symlink));
            case NarEntry.RegularFile file -> {
                // CREATE_NEW fails on any existing path, a dangling link included, so nothing is written through a link.
                try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(path, CREATE_NEW,
                        file.executable() ? EXECUTABLE : NOT_EXECUTABLE))) {
                    reader.transferContents(out);
                }
            }
        }
    }

    private static Path linkTarget(NarEntry.Symlink symlink) throws IOException {
        Path target;
        try {
            target = Path.of(symlink.target());
        } catch (InvalidPathException e) {
            throw new IOException("the target of the link '" + symlink.path() + "' cannot be named in the platform's file name encoding", e);
        }
        // The JDK drops repeated and trailing slashes from paths; refuse rather than create a different link.
        if (!target.toString().equals(symlink.target())) {
            throw new IOException("the target '" + symlink.target() + "' of the link '" + symlink.path()
                    + "' is not in normal form, which the JDK cannot create exactly");
        }
        return target;
    }

    private static void deleteTree(Path root, Exception failure) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException error) throws IOException {
                    Files.delete(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Nothing was created.
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
