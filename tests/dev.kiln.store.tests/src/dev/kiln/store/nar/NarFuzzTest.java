package dev.kiln.store.nar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.store.Mutations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds the NAR reader and unpacker mutated archives, with a fixed seed so
 * that a failure can be replayed: reading throws nothing but
 * {@link NarFormatException}; unpacking throws nothing but an
 * {@link IOException}, leaves nothing behind when it fails, and never
 * writes outside its target, even through the links the archives hold.
 */
class NarFuzzTest {

    private static final long SEED = 4_711L;

    @TempDir
    Path temporary;

    @Test
    void mutatedArchivesAreRefusedWithTheFormatError() throws IOException {
        List<byte[]> archives = sampleArchives();
        Random random = new Random(SEED);
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] mutated = Mutations.mutate(archives.get(random.nextInt(archives.size())), random, 1 + random.nextInt(3));
            try {
                NarReader reader = new NarReader(new ByteArrayInputStream(mutated));
                for (NarEntry entry = reader.next(); entry != null; entry = reader.next()) {
                    if (entry instanceof NarEntry.RegularFile && random.nextBoolean()) {
                        reader.contents().readAllBytes();
                    }
                }
            } catch (NarFormatException e) {
                refused++;
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + " of seed " + SEED + " threw " + e, e);
            }
        }
        assertTrue(refused > 10_000, "most mutations break the format: " + refused);
    }

    @Test
    void unpackingMutatedArchivesNeverWritesOutsideItsTarget() throws IOException {
        List<byte[]> archives = sampleArchives();
        Path outside = Files.createDirectory(temporary.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep");
        Path sandbox = Files.createDirectory(temporary.resolve("sandbox"));
        Random random = new Random(SEED + 1);
        int unpacked = 0;
        for (int round = 0; round < 3_000; round++) {
            byte[] mutated = Mutations.mutate(archives.get(random.nextInt(archives.size())), random, 1 + random.nextInt(2));
            Path target = sandbox.resolve("target");
            try {
                NarUnpacker.unpack(new ByteArrayInputStream(mutated), target);
                unpacked++;
                assertEquals(List.of(target), list(sandbox), "round " + round);
                deleteTree(target);
            } catch (IOException e) {
                assertEquals(List.of(), list(sandbox), "round " + round + " left files behind after " + e);
            } catch (RuntimeException | Error e) {
                fail("round " + round + " of seed " + SEED + " threw " + e, e);
            }
            assertEquals(List.of(outside.resolve("precious")), list(outside), "round " + round + " wrote outside");
            assertEquals("keep", Files.readString(outside.resolve("precious")));
        }
        assertTrue(unpacked > 0, "some mutations keep the archive valid");
    }

    /** Archives of trees with every kind of entry, and links that point outside, as an attacker would plant them. */
    private List<byte[]> sampleArchives() throws IOException {
        Path tree = Files.createDirectories(temporary.resolve("tree"));
        Files.createDirectories(tree.resolve("d/e"));
        Files.writeString(tree.resolve("d/e/f"), "content of f");
        Files.setPosixFilePermissions(Files.writeString(tree.resolve("x"), "#!/bin/sh\n"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createFile(tree.resolve("empty"));
        Files.createSymbolicLink(tree.resolve("d/up"), Path.of("../../outside"));
        Files.createSymbolicLink(tree.resolve("abs"), temporary.resolve("outside").toAbsolutePath());
        List<byte[]> archives = new ArrayList<>();
        archives.add(nar(tree));
        archives.add(nar(tree.resolve("d/e/f")));
        archives.add(NarBytes.archive().strings("(", "type", "directory")
                .entry("escape").strings("(", "type", "symlink", "target", temporary.resolve("outside").toString(), ")", ")")
                .entry("f").file("data").string(")")
                .string(")").toByteArray());
        return archives;
    }

    private static byte[] nar(Path root) throws IOException {
        ByteArrayOutputStream nar = new ByteArrayOutputStream();
        NarWriter.write(root, nar);
        return nar.toByteArray();
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.sorted().toList();
        }
    }

    private static void deleteTree(Path root) throws IOException {
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
        assertTrue(Files.notExists(root, LinkOption.NOFOLLOW_LINKS));
    }
}
