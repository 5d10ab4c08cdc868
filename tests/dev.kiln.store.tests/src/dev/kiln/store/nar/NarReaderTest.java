package dev.kiln.store.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NarReaderTest {

    private static final byte[] TREE = NarBytes.archive()
            .strings("(", "type", "directory")
            .entry("bin").strings("(", "type", "directory")
            .entry("run").strings("(", "type", "regular", "executable", "", "contents").string("#!/bin/sh\n").strings(")", ")")
            .strings(")", ")")
            .entry("empty").strings("(", "type", "directory", ")", ")")
            .entry("link").strings("(", "type", "symlink", "target", "bin/run", ")", ")")
            .entry("ünïcode").file("").string(")")
            .string(")")
            .toByteArray();

    @Test
    void readsEntriesInOrderWithContentsAndDigest() throws IOException {
        NarReader reader = new NarReader(new ByteArrayInputStream(TREE));
        List<NarEntry> entries = new ArrayList<>();
        String script = null;
        for (NarEntry entry = reader.next(); entry != null; entry = reader.next()) {
            entries.add(entry);
            if (entry.path().equals("bin/run")) {
                script = new String(reader.contents().readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        assertEquals(List.of(
                new NarEntry.Directory(""),
                new NarEntry.Directory("bin"),
                new NarEntry.RegularFile("bin/run", true, 10),
                new NarEntry.Directory("empty"),
                new NarEntry.Symlink("link", "bin/run"),
                new NarEntry.RegularFile("ünïcode", false, 0)), entries);
        assertEquals("#!/bin/sh\n", script);
        assertEquals(new NarDigest(Hash.of(HashAlgorithm.SHA256, TREE), TREE.length), reader.digest());
        assertNull(reader.next());
    }

    @Test
    void skipsContentsThatAreNotReadAndCopiesThoseThatAre() throws IOException {
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'x');
        byte[] nar = NarBytes.archive().strings("(", "type", "regular", "contents").string(big).string(")").toByteArray();

        NarReader skipping = new NarReader(new ByteArrayInputStream(nar));
        skipping.next();
        assertNull(skipping.next());
        assertEquals(nar.length, skipping.digest().narSize());

        NarReader copying = new NarReader(new ByteArrayInputStream(nar));
        copying.next();
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        assertEquals(big.length, copying.transferContents(copy));
        assertArrayEquals(big, copy.toByteArray());
        assertNull(copying.next());
    }

    @Test
    void refusesTheDigestBeforeTheEnd() throws IOException {
        NarReader reader = new NarReader(new ByteArrayInputStream(TREE));
        reader.next();
        assertThrows(IllegalStateException.class, reader::digest);
    }

    /** Archives that are malformed or unsafe, each with what the error must say. */
    static final Map<String, byte[]> BAD_ARCHIVES = Map.ofEntries(
            Map.entry("expected 'nix-archive-1'", new NarBytes().strings("nix-archive-2", "(").toByteArray()),
            Map.entry("the NAR ends unexpectedly", Arrays.copyOf(TREE, TREE.length - 8)),
            Map.entry("unexpected bytes after the end", NarBytes.archive().file("x").number(0).toByteArray()),
            Map.entry("out of order", directory("b", "a")),
            Map.entry("appears twice", directory("a", "a")),
            Map.entry("invalid entry name ''", directory("")),
            Map.entry("invalid entry name '.'", directory(".")),
            Map.entry("invalid entry name '..'", directory("..")),
            Map.entry("invalid entry name 'a/b'", directory("a/b")),
            Map.entry("invalid entry name 'a\\0b'", directory("a\0b")),
            Map.entry("entry name is not valid UTF-8", NarBytes.archive().strings("(", "type", "directory", "entry", "(", "name")
                    .string(new byte[] {(byte) 0xff}).string("node").file("").strings(")", ")").toByteArray()),
            Map.entry("unknown file type 'fifo'", NarBytes.archive().strings("(", "type", "fifo", ")").toByteArray()),
            Map.entry("expected 'contents' but found 'size'", NarBytes.archive().strings("(", "type", "regular", "size").toByteArray()),
            Map.entry("symbolic link target is empty", NarBytes.archive().strings("(", "type", "symlink", "target", "", ")").toByteArray()),
            Map.entry("entry name has a length of 18446744073709551615 bytes",
                    NarBytes.archive().strings("(", "type", "directory", "entry", "(", "name").number(-1).toByteArray()),
            Map.entry("file size is out of range", NarBytes.archive().strings("(", "type", "regular", "contents").number(-8).toByteArray()),
            Map.entry("non-zero padding", NarBytes.archive().strings("(", "type", "regular", "contents").number(1)
                    .raw(new byte[] {'x', 0, 0, 1, 0, 0, 0, 0}).string(")").toByteArray()),
            Map.entry("expected 'entry' or ')' in a directory but found 'node'",
                    NarBytes.archive().strings("(", "type", "directory", "node").toByteArray()));

    @Test
    void refusesMalformedAndUnsafeArchivesSayingWhy() {
        BAD_ARCHIVES.forEach((expectedMessage, nar) -> {
            NarFormatException error = assertThrows(NarFormatException.class, () -> readAll(nar), expectedMessage);
            assertTrue(error.getMessage().contains(expectedMessage), expectedMessage + " in " + error.getMessage());
            assertTrue(error.getMessage().startsWith("at byte "), error.getMessage());
        });
    }

    /** A directory whose entries are empty files with these names. */
    static byte[] directory(String... names) {
        NarBytes nar = NarBytes.archive().strings("(", "type", "directory");
        for (String name : names) {
            nar.entry(name).file("").string(")");
        }
        return nar.string(")").toByteArray();
    }

    private static void readAll(byte[] nar) throws IOException {
        NarReader reader = new NarReader(new ByteArrayInputStream(nar));
        while (reader.next() != null) {
            // Reading is what is tested.
        }
    }
}
