package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.cache.BuildLogs;
import dev.kiln.cache.CachedNar;
import dev.kiln.cache.UploadException;
import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.ObjectStream;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;

/**
 * What every object store does, and what the cache does on top of it: each implementation's test extends this class
 * and says how to make a store over fresh, empty storage.
 */
abstract class ObjectStoreContract {

    @TempDir
    Path work;
    @TempDir
    Path state;

    private ObjectStore store;

    /** A store over empty storage; {@code name} differs for every call. */
    abstract ObjectStore newStore(String name) throws IOException;

    /** The {@code cache.store} that names a store over empty storage. */
    abstract String newLocation(String name) throws IOException;

    @BeforeEach
    void open() throws IOException {
        store = newStore(UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(work.resolve(name), bytes);
    }

    private static byte[] read(ObjectStore store, String key) throws IOException {
        try (ObjectStream object = store.open(key).orElseThrow()) {
            byte[] bytes = object.stream().readAllBytes();
            assertEquals(object.size(), bytes.length, "the size given with the stream");
            return bytes;
        }
    }

    @Test
    void anObjectPutIsReadBackWithItsSizeAndTheFileIsTaken() throws IOException {
        byte[] bytes = "a NAR's bytes\n".getBytes(StandardCharsets.UTF_8);
        Path file = file("one", bytes);
        store.check();
        store.put("nars/one.nar.zst", file);

        assertFalse(Files.exists(file), "the store took the file");
        assertArrayEquals(bytes, read(store, "nars/one.nar.zst"));
        assertEquals(bytes.length, store.size("nars/one.nar.zst").orElseThrow());
    }

    @Test
    void aPutReplacesTheObjectOfItsKey() throws IOException {
        store.put("logs/a.log.zst", file("first", new byte[] {1, 2, 3}));
        store.put("logs/a.log.zst", file("second", new byte[] {4, 5}));
        assertArrayEquals(new byte[] {4, 5}, read(store, "logs/a.log.zst"));
    }

    @Test
    void aMissingObjectIsAnEmptyAnswerNotAnError() throws IOException {
        assertEquals(Optional.empty(), store.open("nars/missing.nar.zst"));
        assertTrue(store.size("nars/missing.nar.zst").isEmpty());
        assertFalse(store.delete("nars/missing.nar.zst"));
    }

    @Test
    void aDeletedObjectIsGone() throws IOException {
        store.put("nars/gone.nar.zst", file("gone", new byte[] {7}));
        assertTrue(store.delete("nars/gone.nar.zst"));
        assertTrue(store.size("nars/gone.nar.zst").isEmpty());
        assertEquals(Optional.empty(), store.open("nars/gone.nar.zst"));
    }

    @Test
    void aListingGivesTheObjectsUnderAPrefixWithTheirSizes() throws IOException {
        store.put("nars/a.nar.zst", file("a", new byte[3]));
        store.put("nars/b.nar.zst", file("b", new byte[5]));
        store.put("logs/c.log.zst", file("c", new byte[7]));
        Map<String, Long> nars = new TreeMap<>();
        store.list("nars/", object -> nars.put(object.key(), object.size()));
        assertEquals(Map.of("nars/a.nar.zst", 3L, "nars/b.nar.zst", 5L), nars);

        Map<String, Long> all = new TreeMap<>();
        store.list("", object -> all.put(object.key(), object.size()));
        assertTrue(all.keySet().containsAll(java.util.List.of("nars/a.nar.zst", "nars/b.nar.zst", "logs/c.log.zst")),
                all.toString());
    }

    @Test
    void aFileLargerThanAPartComesBackWhole() throws IOException, NoSuchAlgorithmException {
        byte[] bytes = new byte[2 * S3Store.PART_SIZE + 12345];
        new Random(24).nextBytes(bytes);
        store.put("nars/large.nar.zst", file("large", bytes));

        assertEquals(bytes.length, store.size("nars/large.nar.zst").orElseThrow());
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        try (ObjectStream object = store.open("nars/large.nar.zst").orElseThrow()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = object.stream().read(buffer)) >= 0;) {
                read.update(buffer, 0, n);
            }
        }
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(bytes), read.digest());
    }

    @Test
    void keysThatCouldLeaveTheStoreAreRefused() {
        for (String key : new String[] {"../x", "/x", "a//b", "a/./b", "a/", "", "a b"}) {
            assertThrows(IllegalArgumentException.class, () -> store.size(key), key);
        }
    }

    @Test
    void theConfiguredStoreIsCheckedAndUsedByTheCacheAndTheLogs() throws Exception {
        String location = newLocation("configured");
        CacheConfiguration configuration = TestConfigurations.of(state, location);
        try (ConfiguredObjectStore configured = new ConfiguredObjectStore(configuration)) {
            FileBinaryCache cache = new FileBinaryCache(null, configured, configuration);
            Nar nar = Nar.of(work, "an output\n".repeat(1000));
            UUID build = UUID.randomUUID();
            cache.write(build, "out", 0, nar.compressed.length, new ByteArrayInputStream(nar.compressed));
            CachedNar accepted = cache.accept(build, "out", nar.digest.narHash().toPrefixedBase32(),
                    nar.digest.narSize(), nar.compressed.length);

            String name = accepted.key().substring(FileBinaryCache.NARS.length());
            try (ObjectStream served = cache.openNar(name).orElseThrow()) {
                assertArrayEquals(nar.compressed, served.stream().readAllBytes());
            }
            assertEquals(nar.compressed.length, configured.size(accepted.key()).orElseThrow());

            BuildLogs logs = new FileBuildLogs(configured, configuration);
            UUID logged = UUID.randomUUID();
            logs.append(logged, new ByteArrayInputStream("line 1\nline 2\n".getBytes(StandardCharsets.UTF_8)));
            logs.finish(logged);
            assertTrue(configured.size("logs/" + logged + ".log.zst").isPresent(), "the final log is in the store");
            try (InputStream log = logs.open(logged).orElseThrow()) {
                assertEquals("line 1\nline 2\n", new String(log.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aCorruptUploadPutsNothingIntoTheStore() throws Exception {
        CacheConfiguration configuration = TestConfigurations.of(state, newLocation("corrupt"));
        try (ConfiguredObjectStore configured = new ConfiguredObjectStore(configuration)) {
            FileBinaryCache cache = new FileBinaryCache(null, configured, configuration);
            Nar nar = Nar.of(work, "an output\n");
            Nar other = Nar.of(work, "another output\n");
            UUID build = UUID.randomUUID();
            cache.write(build, "out", 0, -1, new ByteArrayInputStream(other.compressed));
            UploadException refused = assertThrows(UploadException.class, () -> cache.accept(build, "out",
                    nar.digest.narHash().toPrefixedBase32(), nar.digest.narSize(), -1));
            assertEquals(UploadException.Reason.CORRUPT, refused.reason());
            Map<String, Long> nars = new TreeMap<>();
            configured.list(FileBinaryCache.NARS, object -> nars.put(object.key(), object.size()));
            assertEquals(Map.of(), nars);
        }
    }

    /** A zstd-compressed NAR of one file and its digest. */
    record Nar(byte[] compressed, NarDigest digest) {
        static Nar of(Path work, String text) throws IOException {
            Path file = Files.writeString(Files.createTempFile(work, "out", ""), text);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            HashingOutputStream hashing;
            try (OutputStream out = Compression.ZSTD.compress(bytes)) {
                hashing = new HashingOutputStream(HashAlgorithm.SHA256, out);
                NarWriter.write(file, hashing);
            }
            return new Nar(bytes.toByteArray(), hashing.digest());
        }
    }
}
