package dev.kiln.store.conformance;

import dev.kiln.store.StoreDir;
import java.nio.file.Path;
import dev.kiln.testing.RealNix;

/**
 * The three kinds of store the conformance tests run against: Nix's and
 * Guix's store directories (chrooted), and a store directory that is a test
 * directory itself.
 */
enum NixStores {
    NIX_STORE, GNU_STORE, TEST_DIRECTORY;

    /** @return the store directory that paths in this store start with */
    StoreDir storeDir(RealNix nix) {
        return switch (this) {
            case NIX_STORE -> StoreDir.NIX;
            case GNU_STORE -> StoreDir.GUIX;
            case TEST_DIRECTORY -> nix.directoryStoreDir();
        };
    }

    /** @return the URI for Nix's {@code --store} */
    String uri(RealNix nix) {
        return switch (this) {
            case NIX_STORE, GNU_STORE -> nix.chrootStore(storeDir(nix));
            case TEST_DIRECTORY -> nix.directoryStore();
        };
    }

    /** @return where the files of this store's paths are */
    Path files(RealNix nix) {
        return switch (this) {
            case NIX_STORE, GNU_STORE -> nix.chrootStoreFiles(storeDir(nix));
            case TEST_DIRECTORY -> Path.of(nix.directoryStoreDir().path());
        };
    }
}
