package dev.kiln.store.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.testing.RealNix;

/**
 * The NARs of other caches, as their own tools write them: bzip2 from {@code nix copy} (Nix's compression when a
 * narinfo names none) and lzip (Guix's substitute servers) from the {@code lzip} program, one member or several.
 */
class OtherCachesCompressionTest {

    @TempDir
    Path temporary;

    @Test
    void readsTheBzip2NarsOfNixCopy() throws Exception {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        String store = nix.store("source");
        Path file = Files.writeString(temporary.resolve("greeting.txt"), "hello from a bzip2 cache\n".repeat(20_000));
        String path = nix.run("nix-store", "--store", store, "--add", file.toString()).strip();
        Path cache = temporary.resolve("cache");
        nix.run("nix", "copy", "--from", store, "--to", "file://" + cache + "?compression=bzip2", path);

        String hashPart = path.substring("/nix/store/".length(), "/nix/store/".length() + 32);
        NarInfo info = NarInfo.parse(new StoreDir("/nix/store"),
                Files.readString(cache.resolve(hashPart + ".narinfo"), StandardCharsets.UTF_8));
        assertEquals("bzip2", info.compression());
        Compression compression = Compression.byNarInfoName(info.compression()).orElseThrow();
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, OutputStream.nullOutputStream());
        try (InputStream in = compression.decompress(Files.newInputStream(cache.resolve(info.url())))) {
            in.transferTo(hashing);
        }
        assertEquals(new NarDigest(info.narHash(), info.narSize()), hashing.digest());
    }

    @Test
    void readsWhatLzipWritesMemberByMember() throws Exception {
        byte[] first = text(1, 300_000);
        byte[] second = text(2, 100_000);
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        // -0 and -9 code their dictionary sizes differently in the member header.
        Path one = lzip(Files.write(temporary.resolve("one"), first), "-9");
        Path two = lzip(Files.write(temporary.resolve("two"), second), "-0");
        Path both = temporary.resolve("both.lz");
        Files.write(both, Files.readAllBytes(one));
        Files.write(both, Files.readAllBytes(two), StandardOpenOption.APPEND);

        try (InputStream in = Compression.LZIP.decompress(Files.newInputStream(one))) {
            assertArrayEquals(first, in.readAllBytes());
        }
        try (InputStream in = Compression.LZIP.decompress(Files.newInputStream(both))) {
            assertArrayEquals(joined, in.readAllBytes());
        }
    }

    @Test
    void lzipReadsWhatKilnWrites() throws Exception {
        byte[] data = text(3, 500_000);
        Path file = temporary.resolve("kiln.lz");
        try (OutputStream out = Compression.LZIP.compress(Files.newOutputStream(file))) {
            out.write(data);
        }
        run(List.of("lzip", "--test", file.toString()));
        assertArrayEquals(data, run(List.of("lzip", "--decompress", "--stdout", file.toString())));
    }

    @Test
    void aMemberWhoseTrailerDoesNotMatchIsRefused() throws Exception {
        byte[] data = text(4, 50_000);
        byte[] compressed = Files.readAllBytes(lzip(Files.write(temporary.resolve("corrupt"), data), "-6"));
        compressed[compressed.length - 20] ^= 1;
        assertThrows(IOException.class,
                () -> Compression.LZIP.decompress(new ByteArrayInputStream(compressed)).readAllBytes());
        byte[] cut = Arrays.copyOf(compressed, compressed.length - 7);
        assertThrows(IOException.class,
                () -> Compression.LZIP.decompress(new ByteArrayInputStream(cut)).readAllBytes());
    }

    private static byte[] text(int seed, int length) {
        Random random = new Random(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ("abcdefgh \n".charAt(random.nextInt(10)));
        }
        return bytes;
    }

    private Path lzip(Path file, String level) throws Exception {
        run(List.of("lzip", "--keep", "--force", level, file.toString()));
        return Path.of(file + ".lz");
    }

    private static byte[] run(List<String> command) throws Exception {
        if (!onPath(command.get(0))) {
            fail(command.get(0) + " is not installed: these tests compare with the real tool (Debian: apt-get install lzip)");
        }
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        process.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(out);
        }
        assertEquals(0, process.waitFor(), String.join(" ", command));
        return out.toByteArray();
    }

    private static boolean onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
