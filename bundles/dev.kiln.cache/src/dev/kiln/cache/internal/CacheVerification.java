package dev.kiln.cache.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.kiln.cache.CacheFault;
import dev.kiln.cache.CacheFault.Kind;
import dev.kiln.cache.CacheReport;
import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.ObjectStream;
import dev.kiln.cache.storage.StoreUnavailableException;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;

/** One run of {@code kiln cache verify}: the served paths handed to it, one at a time, and what it found. */
final class CacheVerification {

    private static final int BUFFER_SIZE = 1 << 18;

    private final ObjectStore store;
    private final Predicate<String> served;
    private final List<CacheFault> faults = new ArrayList<>();
    private long paths;
    private long narBytes;

    /** @param served whether a store path is served, by its full path */
    CacheVerification(ObjectStore store, Predicate<String> served) {
        this.store = store;
        this.served = served;
    }

    /** Checks one served path: its NAR and its references. A store that fails stops the run. */
    void check(String path, String narKey, Hash narHash, long narSize, Collection<String> references)
            throws IOException {
        paths++;
        checkNar(path, narKey, narHash, narSize);
        for (String reference : references) {
            if (!reference.equals(path) && !served.test(reference)) {
                faults.add(new CacheFault(path, Kind.MISSING_REFERENCE,
                        "it refers to " + reference + ", which the cache does not serve"));
            }
        }
    }

    private void checkNar(String path, String narKey, Hash narHash, long narSize) throws IOException {
        Optional<ObjectStream> object = store.open(narKey);
        if (object.isEmpty()) {
            faults.add(new CacheFault(path, Kind.MISSING_NAR, narKey + " is not in " + store.location()));
            return;
        }
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, OutputStream.nullOutputStream());
        try (ObjectStream nar = object.get();
                InputStream in = Compression.ZSTD.decompress(new BufferedInputStream(nar.stream(), BUFFER_SIZE))) {
            narBytes += nar.size();
            in.transferTo(hashing);
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (IOException e) {
            faults.add(new CacheFault(path, Kind.CORRUPT_NAR, narKey + " does not decompress: " + e.getMessage()));
            return;
        }
        NarDigest digest = hashing.digest();
        if (!digest.narHash().equals(narHash) || digest.narSize() != narSize) {
            faults.add(new CacheFault(path, Kind.CORRUPT_NAR, narKey + " holds a NAR of " + digest.narSize()
                    + " bytes with hash " + digest.narHash().toPrefixedBase32() + ", its narinfo says " + narSize
                    + " bytes with hash " + narHash.toPrefixedBase32()));
        }
    }

    CacheReport report() {
        return new CacheReport(paths, narBytes, faults);
    }
}
