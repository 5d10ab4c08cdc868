package dev.kiln.store.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NarUnpackerTest {

    @TempDir
    Path temporary;

    @Test
    void unpacksWhatTheWriterWrote() throws IOException {
        Path root = Files.createDirectory(temporary.resolve("root"));
        Files.createDirectories(root.resolve("a/b/empty"));
        Files.writeString(root.resolve("a/b/file"), "contents");
        Path tool = Files.writeString(root.resolve("a/tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        Files.createSymbolicLink(root.resolve("a/link"), Path.of("b/file"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nonexistent"));
        Files.writeString(root.resolve("ünïcode"), "ü");
        byte[] nar = write(root);

        Path target = temporary.resolve("unpacked");
        NarDigest digest = NarUnpacker.unpack(new ByteArrayInputStream(nar), target);

        assertArrayEquals(nar, write(target));
        assertEquals(NarWriter.digest(root), digest);
        assertTrue(Files.getPosixFilePermissions(target.resolve("a/tool")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertFalse(Files.getPosixFilePermissions(target.resolve("a/b/file")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertEquals(Path.of("/nonexistent"), Files.readSymbolicLink(target.resolve("dangling")));
    }

    @Test
    void refusesAnExistingTarget() throws IOException {
        Path target = Files.createSymbolicLink(temporary.resolve("target"), Path.of("nonexistent"));
        assertThrows(FileAlreadyExistsException.class,
                () -> NarUnpacker.unpack(new ByteArrayInputStream(NarBytes.archive().file("x").toByteArray()), target));
        assertFalse(Files.exists(temporary.resolve("nonexistent")));
    }

    @Test
    void leavesNothingBehindWhenAnArchiveIsUnsafe() throws IOException {
        Path parent = Files.createDirectory(temporary.resolve("parent"));
        Files.writeString(parent.resolve("neighbour"), "untouched");
        for (byte[] nar : NarReaderTest.BAD_ARCHIVES.values()) {
            Path target = parent.resolve("target");
            assertThrows(IOException.class, () -> NarUnpacker.unpack(new ByteArrayInputStream(nar), target));
            assertEquals(List.of(parent.resolve("neighbour")), list(parent));
            assertEquals("untouched", Files.readString(parent.resolve("neighbour")));
        }
    }

    @Test
    void neverWritesThroughALinkItCreated() throws IOException {
        Path outside = Files.createDirectory(temporary.resolve("outside"));
        // A link to a directory outside, then the same name again as a directory holding a file.
        byte[] nar = NarBytes.archive().strings("(", "type", "directory")
                .entry("escape").strings("(", "type", "symlink", "target", outside.toString(), ")", ")")
                .entry("escape").strings("(", "type", "directory").entry("planted").file("gotcha").strings(")", ")", ")")
                .string(")").toByteArray();
        Path target = temporary.resolve("target");

        NarFormatException error = assertThrows(NarFormatException.class, () -> NarUnpacker.unpack(new ByteArrayInputStream(nar), target));

        assertTrue(error.getMessage().contains("appears twice"), error.getMessage());
        assertEquals(List.of(), list(outside));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void refusesLinkTargetsTheJdkWouldRewrite() {
        byte[] nar = NarBytes.archive().strings("(", "type", "symlink", "target", "lib//", ")").toByteArray();
        Path target = temporary.resolve("link");

        IOException error = assertThrows(IOException.class, () -> NarUnpacker.unpack(new ByteArrayInputStream(nar), target));

        assertTrue(error.getMessage().contains("not in normal form"), error.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.sorted().toList();
        }
    }

    private static byte[] write(Path root) throws IOException {
        ByteArrayOutputStream nar = new ByteArrayOutputStream();
        NarWriter.write(root, nar);
        return nar.toByteArray();
    }
}
