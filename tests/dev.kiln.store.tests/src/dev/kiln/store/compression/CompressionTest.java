package dev.kiln.store.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionTest {

    @ParameterizedTest
    @EnumSource(Compression.class)
    void decompressesWhatItCompressed(Compression compression) throws IOException {
        byte[] data = new byte[3_000_000];
        Random random = new Random(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (random.nextInt(4) + 'a');
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = compression.compress(compressed)) {
            for (int offset = 0; offset < data.length; offset += 65_536) {
                out.write(data, offset, Math.min(65_536, data.length - offset));
            }
        }
        if (compression != Compression.NONE) {
            assertTrue(compressed.size() < data.length / 2, compression + " compresses: " + compressed.size());
        }
        try (InputStream in = compression.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void writesTheFormatsNixAndTheirToolsRead() throws IOException {
        assertArrayEquals(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, start(Compression.XZ, 6));
        assertArrayEquals(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, start(Compression.ZSTD, 4));
        assertArrayEquals(new byte[] {'B', 'Z', 'h', '9'}, start(Compression.BZIP2, 4));
        assertArrayEquals(new byte[] {'L', 'Z', 'I', 'P', 1}, start(Compression.LZIP, 5));
    }

    @Test
    void refusesDataOfAnotherFormat() {
        byte[] notXz = "plain".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> Compression.XZ.decompress(new ByteArrayInputStream(notXz)).readAllBytes());
        assertThrows(IOException.class, () -> Compression.ZSTD.decompress(new ByteArrayInputStream(notXz)).readAllBytes());
        assertThrows(IOException.class, () -> Compression.BZIP2.decompress(new ByteArrayInputStream(notXz)).readAllBytes());
        assertThrows(IOException.class, () -> Compression.LZIP.decompress(new ByteArrayInputStream(notXz)).readAllBytes());
    }

    @Test
    void findsCompressionsByTheirNarInfoNames() {
        assertEquals(Optional.of(Compression.ZSTD), Compression.byNarInfoName("zstd"));
        assertEquals(Optional.of(Compression.XZ), Compression.byNarInfoName("xz"));
        assertEquals(Optional.of(Compression.NONE), Compression.byNarInfoName("none"));
        assertEquals(Optional.of(Compression.BZIP2), Compression.byNarInfoName("bzip2"));
        assertEquals(Optional.of(Compression.LZIP), Compression.byNarInfoName("lzip"));
        assertEquals(Optional.empty(), Compression.byNarInfoName("br"));
        assertEquals(".zst", Compression.ZSTD.fileExtension());
    }

    private static byte[] start(Compression compression, int length) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = compression.compress(compressed)) {
            out.write(new byte[100]);
        }
        return Arrays.copyOf(compressed.toByteArray(), length);
    }
}
