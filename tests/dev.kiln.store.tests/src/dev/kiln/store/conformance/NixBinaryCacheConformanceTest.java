package dev.kiln.store.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.ContentAddress;
import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.nar.ReferenceScanner;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.store.narinfo.NarInfoFormatException;
import dev.kiln.store.narinfo.NixSecretKey;
import dev.kiln.store.tools.StoreCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.kiln.testing.RealNix;

/**
 * A binary cache written by Kiln (NARs compressed with zstd, xz or not at
 * all, narinfos signed with a key from {@code kiln store generate-key}) is
 * one that Nix copies from with {@code require-sigs} on and only Kiln's key
 * trusted, and refuses when another key is trusted instead.
 */
class NixBinaryCacheConformanceTest {

    @TempDir
    Path temporary;

    /** What the cache holds: a source tree, a text file that refers to it, and a file referring to both. */
    private record CachedPaths(StorePath source, StorePath text, StorePath top) {
    }

    @ParameterizedTest
    @EnumSource(value = NixStores.class, names = {"NIX_STORE", "GNU_STORE"})
    void nixCopiesFromACacheKilnWroteAndSigned(NixStores store) throws Exception {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        StoreDir storeDir = store.storeDir(nix);
        StoreCommands.KeyFiles key = StoreCommands.generateKey("kiln-cache-1", Files.createDirectories(temporary.resolve("keys")));
        Path cache = temporary.resolve("cache");
        CachedPaths paths = writeCache(storeDir, cache, NixSecretKey.parse(Files.readString(key.secretKeyFile())));

        String destination = nix.chrootStore(storeDir);
        nix.run("nix", "copy", "--from", cacheUri(cache, storeDir), "--to", destination,
                "--option", "require-sigs", "true", "--option", "trusted-public-keys", Files.readString(key.publicKeyFile()),
                paths.top().toString());

        String closure = nix.run("nix-store", "--store", destination, "--query", "--requisites", paths.top().toString());
        assertEquals(Set.of(paths.source().toString(), paths.text().toString(), paths.top().toString()), Set.of(closure.strip().split("\n")));
        Path copiedNar = temporary.resolve("copied.nar");
        nix.runToFile(copiedNar, "nix", "store", "dump-path", "--store", destination, paths.source().toString());
        assertArrayEquals(nar(sourceTree()), Files.readAllBytes(copiedNar));
        // Contents match their NAR hashes, and each path carries a signature by the trusted key (content-addressed ones too).
        RealNix.Result verified = nix.runAllowingFailure("nix", "store", "verify", "--store", destination, "--recursive", "--sigs-needed", "1",
                "--option", "trusted-public-keys", Files.readString(key.publicKeyFile()), paths.top().toString());
        assertEquals(0, verified.exitCode(), verified.stderr());
    }

    @Test
    void nixRefusesTheCacheWhenKilnsKeyIsNotTrusted() throws Exception {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        StoreDir storeDir = StoreDir.NIX;
        Path cache = temporary.resolve("cache");
        CachedPaths paths = writeCache(storeDir, cache, NixSecretKey.generate("kiln-cache-1"));
        String otherKey = NixSecretKey.generate("kiln-cache-1").publicKey().toString();

        // The top path is not content-addressed: only a signature can vouch for it.
        RealNix.Result refused = nix.runAllowingFailure("nix", "copy", "--from", cacheUri(cache, storeDir), "--to", nix.chrootStore(storeDir),
                "--option", "require-sigs", "true", "--option", "trusted-public-keys", otherKey, paths.top().toString());

        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("lacks a valid signature"), refused.stderr());
    }

    private static String cacheUri(Path cache, StoreDir storeDir) {
        return "file://" + cache + "?store=" + storeDir;
    }

    private Path sourceTree() throws IOException {
        Path tree = temporary.resolve("source");
        if (!Files.exists(tree)) {
            Files.createDirectories(tree.resolve("lib"));
            Files.writeString(tree.resolve("lib/data.txt"), "data\n");
            Files.writeString(tree.resolve("README"), "a source tree\n");
            Files.createSymbolicLink(tree.resolve("link"), Path.of("README"));
        }
        return tree;
    }

    private CachedPaths writeCache(StoreDir storeDir, Path cache, NixSecretKey key) throws IOException, NarInfoFormatException {
        Files.createDirectories(cache.resolve("nar"));
        Files.writeString(cache.resolve("nix-cache-info"), "StoreDir: " + storeDir + "\n");

        Path tree = sourceTree();
        NarDigest sourceDigest = NarWriter.digest(tree);
        StorePath source = storeDir.sourcePath("source", sourceDigest.narHash(), List.of());
        publish(cache, key, tree, source, List.of(source), Compression.ZSTD,
                Optional.of(new ContentAddress.Fixed(FileIngestionMethod.RECURSIVE, sourceDigest.narHash())));

        Path textFile = Files.writeString(temporary.resolve("text"), "the source is " + source + "\n");
        Hash textHash = Hash.of(HashAlgorithm.SHA256, Files.readAllBytes(textFile));
        StorePath text = storeDir.textPath("notes.txt", textHash, List.of(source));
        publish(cache, key, textFile, text, List.of(source, text), Compression.XZ, Optional.of(new ContentAddress.Text(textHash)));

        // A path that is not content-addressed, as a build output is: only its signature vouches for it.
        Path topFile = Files.writeString(temporary.resolve("top"), source + " " + text + "\n");
        StorePath top = storeDir.parseBaseName("0" + source.hashPart().substring(1) + "-top");
        publish(cache, key, topFile, top, List.of(source, text, top), Compression.NONE, Optional.empty());
        return new CachedPaths(source, text, top);
    }

    /** Writes a path's compressed NAR and its signed narinfo, with the references Kiln finds among the candidates. */
    private static void publish(Path cache, NixSecretKey key, Path content, StorePath path, List<StorePath> candidates,
            Compression compression, Optional<ContentAddress> ca) throws IOException {
        byte[] nar = nar(content);
        ReferenceScanner scanner = new ReferenceScanner(candidates, OutputStream.nullOutputStream());
        scanner.write(nar);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = compression.compress(compressed)) {
            out.write(nar);
        }
        Hash fileHash = Hash.of(HashAlgorithm.SHA256, compressed.toByteArray());
        String url = "nar/" + fileHash.toBase32() + ".nar" + compression.fileExtension();
        Files.write(cache.resolve(url), compressed.toByteArray());
        NarInfo info = NarInfo.of(path, url, Hash.of(HashAlgorithm.SHA256, nar), nar.length, scanner.references(), Optional.empty())
                .withFile(url, compression.narInfoName(), fileHash, compressed.size());
        if (ca.isPresent()) {
            info = info.withContentAddress(ca.get());
        }
        Files.writeString(cache.resolve(path.hashPart() + ".narinfo"), info.signedWith(key).render(), StandardCharsets.UTF_8);
    }

    private static byte[] nar(Path content) throws IOException {
        ByteArrayOutputStream nar = new ByteArrayOutputStream();
        NarWriter.write(content, nar);
        return nar.toByteArray();
    }
}
