package dev.kiln.store.compression;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The compressions of NAR files in a binary cache that Kiln reads and
 * writes, by their narinfo {@code Compression} names. All are streaming:
 * memory use does not depend on the size of the data.
 */
public enum Compression {
    /** No compression; files end with {@code .nar}. */
    NONE("none", "") {
        @Override
        public OutputStream compress(OutputStream out) {
            // Closing the result must close the target, as for the other compressions.
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    out.write(bytes, offset, length);
                }
            };
        }

        @Override
        public InputStream decompress(InputStream in) {
            return in;
        }
    },
    /** xz at its default preset (6), as Nix writes it. */
    XZ("xz", ".xz") {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            return new XZOutputStream(out, new LZMA2Options(LZMA2Options.PRESET_DEFAULT));
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new XZInputStream(in);
        }
    },
    /** bzip2 at its largest block (900 kB), as Nix writes it; Nix's compression when a narinfo names none. */
    BZIP2("bzip2", ".bz2") {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            return new BZip2CompressorOutputStream(out);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new BZip2CompressorInputStream(in, true);
        }
    },
    /** lzip, as Guix's substitute servers write it. */
    LZIP("lzip", ".lz") {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            return new LzipOutputStream(out);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new LzipInputStream(in);
        }
    },
    /** Zstandard at level 3 (its default), with a checksum. */
    ZSTD("zstd", ".zst") {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            ZstdOutputStream zstd = new ZstdOutputStream(out, 3);
            zstd.setChecksum(true);
            return zstd;
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new ZstdInputStream(in);
        }
    };

    private final String narInfoName;
    private final String fileExtension;

    Compression(String narInfoName, String fileExtension) {
        this.narInfoName = narInfoName;
        this.fileExtension = fileExtension;
    }

    /** @return the name in a narinfo's {@code Compression} field */
    public String narInfoName() {
        return narInfoName;
    }

    /** @return what follows {@code .nar} in a compressed file's name, such as {@code .xz}, or nothing */
    public String fileExtension() {
        return fileExtension;
    }

    /**
     * Wraps a stream so that what is written to the result arrives compressed.
     * Closing the result finishes the compressed data and closes {@code out}.
     *
     * @param out where the compressed bytes go
     * @return the stream to write uncompressed bytes to
     * @throws IOException if the compressor cannot start
     */
    public abstract OutputStream compress(OutputStream out) throws IOException;

    /**
     * Wraps a stream of compressed bytes. Closing the result closes {@code in}.
     *
     * @param in the compressed bytes
     * @return the uncompressed bytes
     * @throws IOException if the data does not start as this compression's format
     */
    public abstract InputStream decompress(InputStream in) throws IOException;

    /**
     * Finds a compression by its narinfo name.
     *
     * @param narInfoName such as {@code zstd}; a narinfo without a
     *                    {@code Compression} field means {@code bzip2}
     * @return the compression, or empty if Kiln does not support it
     */
    public static Optional<Compression> byNarInfoName(String narInfoName) {
        for (Compression compression : values()) {
            if (compression.narInfoName.equals(narInfoName)) {
                return Optional.of(compression);
            }
        }
        return Optional.empty();
    }
}
