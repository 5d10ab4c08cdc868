package dev.kiln.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Store paths computed as Nix computed them (values from nix-store --add, --add-fixed and builtins.toFile). */
class StoreDirTest {

    private static final Hash ABC_SHA256 = Hash.of(HashAlgorithm.SHA256, "abc");
    /** The NAR of a regular file containing "abc". */
    private static final Hash ABC_NAR_SHA256 = Hash.parse("sha256:0c2jffsl15masdjkw0akr32jl4daplrwaq81lapg84nqai3ip9qi");

    @Test
    void computesSourcePaths() {
        assertEquals("/nix/store/xzq37kpjpibgfqcsxyvc9kfa6s5aiykp-abc", StoreDir.NIX.sourcePath("abc", ABC_NAR_SHA256, List.of()).toString());
    }

    @Test
    void computesFixedOutputPathsFlatAndRecursive() {
        assertEquals("/nix/store/0y839a054fcnhjcd2w1pb6a4k4fl38iw-abc",
                StoreDir.NIX.fixedOutputPath("abc", FileIngestionMethod.FLAT, ABC_SHA256).toString());
        assertEquals("/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-abc",
                StoreDir.GUIX.fixedOutputPath("abc", FileIngestionMethod.FLAT, Hash.of(HashAlgorithm.MD5, "abc")).toString());
        Hash narSha1 = Hash.parse("sha1:309rcyrpi82p2kl4d3iv23lb3i6zq90k");
        assertEquals("/nix/store/rjjvrs6jsa7i9ii7z79qz9wflrwb21lj-abc",
                StoreDir.NIX.fixedOutputPath("abc", FileIngestionMethod.RECURSIVE, narSha1).toString());
        // Recursive SHA-256 is a source path, the same as adding the file.
        assertEquals(StoreDir.NIX.sourcePath("abc", ABC_NAR_SHA256, List.of()),
                StoreDir.NIX.fixedOutputPath("abc", FileIngestionMethod.RECURSIVE, ABC_NAR_SHA256));
    }

    @Test
    void computesTextPathsWithReferences() {
        StorePath abc = StoreDir.NIX.parsePath("/nix/store/xzq37kpjpibgfqcsxyvc9kfa6s5aiykp-abc");
        Hash textHash = Hash.of(HashAlgorithm.SHA256, "uses " + abc);
        assertEquals("/nix/store/a4lw53wlhzp8s199xcwwf4rlcr96l02x-t.txt", StoreDir.NIX.textPath("t.txt", textHash, Set.of(abc)).toString());
        ContentAddress.Text address = new ContentAddress.Text(textHash);
        assertEquals(StoreDir.NIX.textPath("t.txt", textHash, Set.of(abc)),
                StoreDir.NIX.contentAddressedPath("t.txt", ContentAddress.parse(address.render()), Set.of(abc), false));
    }

    @Test
    void refusesReferencesWhereNixCannotHaveThem() {
        StorePath abc = StoreDir.NIX.parsePath("/nix/store/xzq37kpjpibgfqcsxyvc9kfa6s5aiykp-abc");
        ContentAddress flat = new ContentAddress.Fixed(FileIngestionMethod.FLAT, ABC_SHA256);
        assertThrows(IllegalArgumentException.class, () -> StoreDir.NIX.contentAddressedPath("x", flat, Set.of(abc), false));
        assertThrows(IllegalArgumentException.class, () -> StoreDir.GUIX.textPath("x", ABC_SHA256, Set.of(abc)));
    }

    @Test
    void parsesAndPrintsStorePaths() {
        StorePath path = StoreDir.GUIX.parsePath("/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-hello-2.12.1.drv");
        assertEquals("a7g4fwcpch9bqb1kjqdr6031640d4y9s", path.hashPart());
        assertEquals("hello-2.12.1.drv", path.name());
        assertTrue(path.isDerivation());
        assertEquals("/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-hello-2.12.1.drv", path.toString());
        assertEquals(path, StoreDir.GUIX.parseBaseName(path.baseName()));
        StoreDir test = new StoreDir("/tmp/kiln-test/store");
        assertEquals("/tmp/kiln-test/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-x", test.parseBaseName("a7g4fwcpch9bqb1kjqdr6031640d4y9s-x").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/nix/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-hello",
        "/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s",
        "/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-",
        "/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9e-hello",
        "/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9-hello",
        "/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-hel lo",
        "/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s-hello/bin",
        "/gnu/store//a7g4fwcpch9bqb1kjqdr6031640d4y9s-hello",
        "/gnu/storea7g4fwcpch9bqb1kjqdr6031640d4y9s-hello",
        "/gnu/store/a7g4fwcpch9bqb1kjqdr6031640d4y9s_hello",
    })
    void refusesInvalidStorePaths(String path) {
        assertFalse(StoreDir.GUIX.isStorePath(path));
        assertThrows(IllegalArgumentException.class, () -> StoreDir.GUIX.parsePath(path));
    }

    @Test
    void refusesNamesNixRefuses() {
        StorePath.checkName("a".repeat(211));
        assertThrows(IllegalArgumentException.class, () -> StorePath.checkName("a".repeat(212)));
        assertThrows(IllegalArgumentException.class, () -> StorePath.checkName("é"));
        assertThrows(IllegalArgumentException.class, () -> StorePath.checkName(""));
        StorePath.checkName("a+b-c.d_e?f=g");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nix/store", "/", "/nix/store/", "/nix//store", "/nix/./store", "/nix/../store"})
    void refusesStoreDirectoriesThatAreNotCanonical(String directory) {
        assertThrows(IllegalArgumentException.class, () -> new StoreDir(directory));
    }

    @Test
    void ordersStorePathsByBaseNameAsNix() {
        StorePath first = StoreDir.NIX.parseBaseName("0y839a054fcnhjcd2w1pb6a4k4fl38iw-z");
        StorePath second = StoreDir.NIX.parseBaseName("a7g4fwcpch9bqb1kjqdr6031640d4y9s-a");
        assertTrue(first.compareTo(second) < 0);
    }
}
