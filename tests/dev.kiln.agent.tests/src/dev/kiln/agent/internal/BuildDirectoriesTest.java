package dev.kiln.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build directories: empty when taken, emptied and kept when given back, one per build running at once. */
class BuildDirectoriesTest {

    @TempDir
    Path state;

    private static List<Path> contents(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.toList();
        }
    }

    @Test
    void aDirectoryGivenBackIsEmptiedAndTakenAgain() throws IOException {
        BuildDirectories directories = new BuildDirectories(state.resolve("builds"));
        Path first = directories.take();
        assertTrue(Files.isDirectory(first));
        assertEquals(List.of(), contents(first));
        // What a builder may leave: files and trees.
        Files.writeString(first.resolve("file"), "x");
        Files.writeString(Files.createDirectories(first.resolve("a/b")).resolve("deep"), "y");
        directories.giveBack(first);

        assertTrue(Files.isDirectory(first), "the directory is kept");
        assertEquals(List.of(), contents(first));
        assertEquals(first, directories.take());
        assertEquals(List.of(first), contents(state.resolve("builds")), "no directory was made for the second build");
    }

    @Test
    void buildsRunningAtOnceGetDirectoriesOfTheirOwn() throws IOException {
        BuildDirectories directories = new BuildDirectories(state.resolve("builds"));
        Path first = directories.take();
        Path second = directories.take();
        assertNotEquals(first, second);
        directories.giveBack(second);
        directories.giveBack(first);
        Path third = directories.take();
        Path fourth = directories.take();
        assertEquals(List.of(first, second), List.of(third, fourth).stream().sorted().toList());
        assertEquals(2, contents(state.resolve("builds")).size());
    }

    @Test
    void whatAnEarlierRunLeftIsDeletedAtStart() throws IOException {
        Path leftover = Files.createDirectories(state.resolve("builds/7/sub"));
        Files.writeString(leftover.resolve("file"), "x");
        BuildDirectories directories = new BuildDirectories(state.resolve("builds"));
        assertFalse(Files.exists(state.resolve("builds/7")));
        assertEquals(List.of(), contents(directories.take()));
    }
}
