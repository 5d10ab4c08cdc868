package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.DerivationService;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.store.narinfo.NixPublicKey;
import dev.kiln.store.narinfo.NixSecretKey;
import dev.kiln.store.tools.SigningKeys;

/**
 * A rotated signing key: the cache signs with the new key from its next start, and with the old one until its file
 * is deleted, so that a Nix machine trusting either key substitutes.
 */
class SigningKeyRotationTest {

    private static final StoreDir STORE = new StoreDir("/nix/store");
    private static final String HASH_PART = "0".repeat(31) + "1";

    @TempDir
    Path state;
    @TempDir
    Path work;

    @Test
    void narinfosCarryTheNewAndThePreviousKeysSignaturesUntilThePreviousIsDeleted() throws Exception {
        FileBinaryCache first = cache();
        NixPublicKey oldKey = NixPublicKey.parse(first.publicKey());
        assertEquals("test-1", oldKey.name());
        seed(first);
        assertEquals(List.of(1, 0), signatures(first, oldKey, null));

        NixSecretKey rotated = SigningKeys.rotate(state.resolve("keys"), null);
        assertEquals("test-2", rotated.name(), "the number is raised");
        assertThrows(IOException.class, () -> SigningKeys.rotate(state.resolve("keys"), "test-1"),
                "a name used before is refused");

        FileBinaryCache restarted = cache();
        assertEquals(rotated.publicKey().toString(), restarted.publicKey());
        assertEquals(List.of(1, 1), signatures(restarted, oldKey, rotated.publicKey()));

        Files.delete(state.resolve("keys/previous/test-1.secret"));
        FileBinaryCache withoutOld = cache();
        assertEquals(List.of(0, 1), signatures(withoutOld, oldKey, rotated.publicKey()));
    }

    /** A cache whose coordinator holds no build output: what it serves is what {@link #seed} put. */
    private FileBinaryCache cache() throws IOException {
        DerivationService nothingBuilt = (DerivationService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DerivationService.class},
                (proxy, method, arguments) -> method.getReturnType() == Optional.class ? Optional.empty() : null);
        return new FileBinaryCache(nothingBuilt, new DirectoryStore(state), TestConfigurations.of(state));
    }

    /** How many of the served narinfo's signatures each key verifies. */
    private static List<Integer> signatures(FileBinaryCache cache, NixPublicKey first, NixPublicKey second)
            throws Exception {
        NarInfo served = NarInfo.parse(STORE, cache.narInfo(HASH_PART).orElseThrow());
        return List.of(served.validSignatures(List.of(first)),
                second == null ? 0 : served.validSignatures(List.of(second)));
    }

    /** Puts a path in the cache as {@code nix copy --to} does: its NAR, then its narinfo. */
    private void seed(FileBinaryCache cache) throws Exception {
        Path file = Files.writeString(work.resolve("out"), "an output\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HashingOutputStream hashing;
        try (OutputStream out = Compression.ZSTD.compress(bytes)) {
            hashing = new HashingOutputStream(HashAlgorithm.SHA256, out);
            NarWriter.write(file, hashing);
        }
        NarDigest digest = hashing.digest();
        cache.putIncomingNar("seed.nar.zst", new ByteArrayInputStream(bytes.toByteArray()));
        cache.putNarInfo(HASH_PART, "StorePath: /nix/store/" + HASH_PART + "-out\nURL: nar/seed.nar.zst\n"
                + "Compression: zstd\nNarHash: " + digest.narHash().toPrefixedBase32() + "\nNarSize: "
                + digest.narSize() + "\nReferences: \n");
    }
}
