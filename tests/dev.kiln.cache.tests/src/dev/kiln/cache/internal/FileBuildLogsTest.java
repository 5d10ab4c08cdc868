package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.luben.zstd.Zstd;

import dev.kiln.store.compression.Compression;

/** Logs kept compressed as they come: read whole at any time, after a stop in the middle of a piece too. */
class FileBuildLogsTest {

    @TempDir
    Path state;

    private FileBuildLogs logs() throws IOException {
        return new FileBuildLogs(new DirectoryStore(state), TestConfigurations.of(state));
    }

    private static long append(FileBuildLogs logs, UUID build, String text) throws IOException {
        return logs.append(build, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String read(FileBuildLogs logs, UUID build) throws IOException {
        try (InputStream in = logs.open(build).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<String> files() throws IOException {
        try (var files = Files.list(state.resolve("logs"))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void piecesAreReadWholeWhileTheBuildRunsAndAfterAndKeptAsOneCompressedFile() throws IOException {
        FileBuildLogs logs = logs();
        UUID build = UUID.randomUUID();
        assertTrue(logs.open(build).isEmpty());
        assertEquals(9, append(logs, build, "building\n"));
        assertEquals(0, append(logs, build, ""));
        assertEquals("building\n", read(logs, build));
        String many = "compiling a file\n".repeat(5_000);
        append(logs, build, many);
        assertEquals("building\n" + many, read(logs, build));
        logs.finish(build);
        append(logs, build, "late\n");

        assertEquals("building\n" + many + "late\n", read(logs, build));
        assertEquals(List.of(build + ".log.zst"), files(), "no other file was made");
        // The file is an ordinary zstd stream of the log, frames one after the other.
        try (InputStream in = Compression.ZSTD.decompress(Files.newInputStream(state.resolve("logs/" + build + ".log.zst")))) {
            assertEquals("building\n" + many + "late\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(Files.size(state.resolve("logs/" + build + ".log.zst")) < many.length() / 10, "compressed");
    }

    @Test
    void aFollowerReadsOnFromWhereItStoppedAsPiecesCome() throws IOException {
        FileBuildLogs logs = logs();
        UUID build = UUID.randomUUID();
        assertTrue(logs.open(build).isEmpty());
        append(logs, build, "one\n");
        try (InputStream follower = logs.open(build).orElseThrow()) {
            assertEquals("one\n", readAvailable(follower));
            assertEquals("", readAvailable(follower), "nothing new");
            append(logs, build, "two\n");
            append(logs, build, "three\n".repeat(1_000));
            assertEquals("two\n" + "three\n".repeat(1_000), readAvailable(follower));
            // Half a frame is there: nothing of it yet, the rest of it when it comes.
            Path other = state.resolve("other.zst");
            try (var out = Compression.ZSTD.compress(Files.newOutputStream(other))) {
                out.write("four\n".getBytes(StandardCharsets.UTF_8));
            }
            byte[] next = Files.readAllBytes(other);
            Path file = state.resolve("logs/" + build + ".log.zst");
            Files.write(file, Arrays.copyOf(next, next.length / 2), StandardOpenOption.APPEND);
            assertEquals("", readAvailable(follower));
            Files.write(file, Arrays.copyOfRange(next, next.length / 2, next.length), StandardOpenOption.APPEND);
            assertEquals("four\n", readAvailable(follower));
        }
    }

    /** What a follower reads until it finds nothing new. */
    private static String readAvailable(InputStream follower) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        for (int read = follower.read(buffer); read > 0; read = follower.read(buffer)) {
            text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    @Test
    void aLargePieceIsSplitIntoFramesAndAPieceThatCannotBeReadWholeIsLeftOut() throws IOException {
        FileBuildLogs logs = logs();
        UUID build = UUID.randomUUID();
        byte[] large = new byte[9 << 20];
        new Random(7).nextBytes(large);
        assertEquals(large.length, logs.append(build, new ByteArrayInputStream(large)));
        try (InputStream in = logs.open(build).orElseThrow()) {
            assertTrue(Arrays.equals(large, in.readAllBytes()));
        }
        byte[] file = Files.readAllBytes(state.resolve("logs/" + build + ".log.zst"));
        int frames = 0;
        for (int at = 0; at < file.length; at += (int) Zstd.findFrameCompressedSize(file, at)) {
            frames++;
        }
        assertEquals(3, frames, "9 MiB in frames of 4 MiB at most");
        long size = file.length;
        // A body that breaks off after its first 5 MiB, as a connection lost in the middle: nothing of it is kept.
        InputStream brokenOff = new SequenceInputStream(new ByteArrayInputStream(large, 0, 5 << 20),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("connection lost");
                    }
                });
        assertThrows(IOException.class, () -> logs.append(build, brokenOff));
        assertEquals(size, Files.size(state.resolve("logs/" + build + ".log.zst")));
        append(logs, build, "after\n");
        try (InputStream in = logs.open(build).orElseThrow()) {
            byte[] read = in.readAllBytes();
            assertEquals(large.length + 6, read.length);
            assertEquals("after\n", new String(read, large.length, 6, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aPieceCutShortByAStopIsLeftOutAndCutOffByTheNextAppend() throws IOException {
        UUID build = UUID.randomUUID();
        append(logs(), build, "first\n");
        Path file = state.resolve("logs/" + build + ".log.zst");
        long whole = Files.size(file);
        // What a coordinator killed in the middle of writing a piece leaves: the beginning of a frame.
        FileBuildLogs other = logs();
        append(other, UUID.randomUUID(), "x");
        byte[] frame = Files.readAllBytes(state.resolve("logs").resolve(files().stream()
                .filter(name -> !name.startsWith(build.toString())).findFirst().orElseThrow()));
        Files.write(file, Arrays.copyOf(frame, frame.length - 5), StandardOpenOption.APPEND);

        FileBuildLogs restarted = logs();
        assertEquals("first\n", read(restarted, build), "readers stop before the partial frame");
        append(restarted, build, "second\n");
        assertEquals("first\nsecond\n", read(restarted, build));
        assertTrue(Files.size(file) > whole);
        append(logs(), build, "third\n");
        assertEquals("first\nsecond\nthird\n", read(logs(), build));
    }

    @Test
    void aPlainLogOfAnEarlierVersionGoesOnPlainAndIsCompressedWhenFinal() throws IOException {
        UUID build = UUID.randomUUID();
        Files.createDirectories(state.resolve("logs"));
        Files.writeString(state.resolve("logs/" + build + ".log"), "begun before\n");
        FileBuildLogs logs = logs();
        append(logs, build, "and after\n");
        assertEquals("begun before\nand after\n", read(logs, build));
        logs.finish(build);
        assertEquals(List.of(build + ".log.zst"), files());
        assertEquals("begun before\nand after\n", read(logs, build));
    }
}
