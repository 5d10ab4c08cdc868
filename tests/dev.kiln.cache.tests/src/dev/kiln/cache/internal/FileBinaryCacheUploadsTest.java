package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.cache.CachedNar;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;

/** Uploads in progress on disk: resumed across a restart, discarded by build. */
class FileBinaryCacheUploadsTest {

    @TempDir
    Path state;
    @TempDir
    Path work;

    private byte[] compressed;
    private NarDigest digest;

    @BeforeEach
    void makeNar() throws IOException {
        Path file = Files.writeString(work.resolve("out"), "an output\n".repeat(1000));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HashingOutputStream hashing;
        try (OutputStream out = Compression.ZSTD.compress(bytes)) {
            hashing = new HashingOutputStream(HashAlgorithm.SHA256, out);
            NarWriter.write(file, hashing);
        }
        digest = hashing.digest();
        compressed = bytes.toByteArray();
    }

    private FileBinaryCache cache() throws IOException {
        return new FileBinaryCache(null, new DirectoryStore(state), TestConfigurations.of(state));
    }

    private long write(FileBinaryCache cache, UUID build, int from, int to) throws Exception {
        return cache.write(build, "out", from, compressed.length,
                new ByteArrayInputStream(Arrays.copyOfRange(compressed, from, to)));
    }

    private List<String> uploads() throws IOException {
        try (var files = Files.list(state.resolve("uploads"))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anUploadGoesOnAfterARestartAndLeavesNothingBehindOnceAccepted() throws Exception {
        UUID build = UUID.randomUUID();
        int half = compressed.length / 2;
        assertEquals(half, write(cache(), build, 0, half));
        assertEquals(List.of(build + ".out.nar.zst"), uploads());

        FileBinaryCache restarted = cache();
        assertEquals(half, restarted.received(build, "out"));
        assertEquals(compressed.length, write(restarted, build, half, compressed.length));
        CachedNar nar = restarted.accept(build, "out", digest.narHash().toPrefixedBase32(), digest.narSize(),
                compressed.length);
        assertEquals(digest.narSize(), nar.narSize());
        assertTrue(Files.exists(state.resolve(nar.key())));
        assertEquals(List.of(), uploads(), "no file and no directory is left for the build");
    }

    @Test
    void discardingABuildsUploadsKeepsTheOthers() throws Exception {
        FileBinaryCache cache = cache();
        UUID discarded = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        write(cache, discarded, 0, 10);
        cache.write(discarded, "dev", 0, -1, new ByteArrayInputStream(new byte[5]));
        write(cache, kept, 0, 10);

        cache.discardUploads(discarded);
        assertEquals(List.of(kept + ".out.nar.zst"), uploads());
        assertEquals(0, cache.received(discarded, "out"));
        assertEquals(10, cache.received(kept, "out"));
        assertFalse(Files.exists(state.resolve("uploads").resolve(discarded.toString())));
    }
}
