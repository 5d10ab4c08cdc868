package dev.kiln.store.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NarWriterTest {

    @TempDir
    Path temporary;

    @Test
    void writesATreeWithEntriesSortedByNameBytes() throws IOException {
        Path root = Files.createDirectory(temporary.resolve("root"));
        for (String name : new String[] {"é", "a", "_a", "B"}) {
            Files.writeString(root.resolve(name), name);
        }
        Path tool = Files.writeString(root.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("r-xr--r--"));
        Files.createDirectories(root.resolve("dir/empty"));
        Files.createSymbolicLink(root.resolve("dir/link"), Path.of("../a"));
        Files.createFile(root.resolve("dir/empty-file"));
        // Only the owner's execute bit counts, as in Nix.
        Files.setPosixFilePermissions(Files.writeString(root.resolve("dir/group-x"), "x"), PosixFilePermissions.fromString("rw-r-xr-x"));

        byte[] expected = NarBytes.archive().strings("(", "type", "directory")
                .entry("B").file("B").string(")")
                .entry("_a").file("_a").string(")")
                .entry("a").file("a").string(")")
                .entry("dir").strings("(", "type", "directory")
                .entry("empty").strings("(", "type", "directory", ")", ")")
                .entry("empty-file").file("").string(")")
                .entry("group-x").file("x").string(")")
                .entry("link").strings("(", "type", "symlink", "target", "../a", ")", ")")
                .strings(")", ")")
                .entry("tool").strings("(", "type", "regular", "executable", "", "contents").string("#!/bin/sh\n").strings(")", ")")
                .entry("é").file("é").string(")")
                .string(")").toByteArray();

        ByteArrayOutputStream nar = new ByteArrayOutputStream();
        NarWriter.write(root, nar);

        assertArrayEquals(expected, nar.toByteArray());
        assertEquals(new NarDigest(Hash.of(HashAlgorithm.SHA256, expected), expected.length), NarWriter.digest(root));
    }

    @Test
    void writesASingleFileOrLinkAsTheRoot() throws IOException {
        Path file = Files.writeString(temporary.resolve("file"), "contents");
        Path link = Files.createSymbolicLink(temporary.resolve("link"), Path.of("/nonexistent/target"));

        assertArrayEquals(NarBytes.archive().file("contents").toByteArray(), write(file));
        assertArrayEquals(NarBytes.archive().strings("(", "type", "symlink", "target", "/nonexistent/target", ")").toByteArray(), write(link));
    }

    @Test
    void streamsFilesLargerThanItsBuffer() throws IOException {
        byte[] contents = new byte[1_000_003];
        new java.util.Random(7).nextBytes(contents);
        Path file = Files.write(temporary.resolve("big"), contents);

        byte[] nar = write(file);

        assertArrayEquals(NarBytes.archive().strings("(", "type", "regular", "contents").string(contents).string(")").toByteArray(), nar);
    }

    @Test
    void hashesCountsAndPassesOnWhatIsWrittenThroughIt() throws IOException {
        Path file = Files.writeString(temporary.resolve("file"), "contents");
        ByteArrayOutputStream passedOn = new ByteArrayOutputStream();
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, passedOn);

        NarWriter.write(file, hashing);

        assertArrayEquals(write(file), passedOn.toByteArray());
        assertEquals(passedOn.size(), hashing.size());
        assertEquals(new NarDigest(Hash.of(HashAlgorithm.SHA256, passedOn.toByteArray()), passedOn.size()), hashing.digest());
    }

    @Test
    void refusesFilesANarCannotHold() throws IOException {
        Path root = Files.createDirectory(temporary.resolve("root"));
        Path socket = root.resolve("socket");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            IOException error = assertThrows(IOException.class, () -> NarWriter.digest(root));
            assertTrue(error.getMessage().contains(socket + " is neither a regular file, a symbolic link nor a directory"), error.getMessage());
        }
    }

    private static byte[] write(Path root) throws IOException {
        ByteArrayOutputStream nar = new ByteArrayOutputStream();
        NarWriter.write(root, nar);
        return nar.toByteArray();
    }
}
