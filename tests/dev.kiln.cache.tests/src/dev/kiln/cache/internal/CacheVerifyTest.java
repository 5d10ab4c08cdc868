package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.StoredOutput;
import dev.kiln.cache.CacheFault;
import dev.kiln.cache.CacheFault.Kind;
import dev.kiln.cache.CacheReport;
import dev.kiln.cache.CachedNar;
import dev.kiln.cache.internal.ObjectStoreContract.Nar;

/** {@code kiln cache verify}: every served path's NAR whole and as its narinfo says, every reference served. */
class CacheVerifyTest {

    private static final String A = "/nix/store/" + "a".repeat(32) + "-a";
    private static final String B = "/nix/store/" + "b".repeat(32) + "-b";
    private static final String C = "/nix/store/" + "c".repeat(32) + "-c";
    private static final String GONE = "/nix/store/" + "d".repeat(32) + "-gone";

    @TempDir
    Path state;
    @TempDir
    Path work;

    private final Outputs outputs = new Outputs();
    private FileBinaryCache cache;

    @BeforeEach
    void open() throws Exception {
        cache = new FileBinaryCache(outputs, new DirectoryStore(state), TestConfigurations.of(state));
    }

    /** Uploads and accepts an output with this text and references, as a build's success does. */
    private CachedNar output(String path, String text, String... references) throws Exception {
        Nar nar = Nar.of(work, text);
        UUID build = UUID.randomUUID();
        cache.write(build, "out", 0, nar.compressed().length, new ByteArrayInputStream(nar.compressed()));
        CachedNar accepted = cache.accept(build, "out", nar.digest().narHash().toPrefixedBase32(),
                nar.digest().narSize(), nar.compressed().length);
        outputs.held.put(path, new StoredOutput(path, accepted.narHash(), accepted.narSize(), List.of(references),
                "", build, Instant.EPOCH));
        return accepted;
    }

    @Test
    void aWholeCacheHasNoFaults() throws Exception {
        CachedNar a = output(A, "a\n");
        CachedNar b = output(B, "b\n", A, B);

        CacheReport report = cache.verify();
        assertEquals(List.of(), report.faults());
        assertEquals(2, report.paths());
        assertEquals(a.fileSize() + b.fileSize(), report.narBytes());
    }

    @Test
    void aLostNarACorruptNarAndAnUnservedReferenceAreEachAFault() throws Exception {
        CachedNar a = output(A, "a\n");
        CachedNar b = output(B, "b\n", A);
        output(C, "c\n", GONE);
        Files.delete(state.resolve(a.key()));
        Files.write(state.resolve(b.key()), Nar.of(work, "not b\n").compressed());

        List<CacheFault> faults = cache.verify().faults();
        assertEquals(List.of(Kind.MISSING_NAR, Kind.CORRUPT_NAR, Kind.MISSING_REFERENCE),
                faults.stream().map(CacheFault::kind).toList(), faults.toString());
        assertEquals(List.of(A, B, C), faults.stream().map(CacheFault::path).toList());
        assertEquals("it refers to " + GONE + ", which the cache does not serve", faults.get(2).detail());
    }

    @Test
    void pathsOverManyPagesAreEachCheckedOnce() throws Exception {
        output(A, "a\n");
        StoredOutput a = outputs.held.get(A);
        for (int i = 0; i < 1200; i++) {
            String path = "/nix/store/" + String.format("%032d", i) + "-p";
            outputs.held.put(path, new StoredOutput(path, a.narHash(), a.narSize(), List.of(A), "", a.buildId(),
                    Instant.EPOCH));
        }
        CacheReport report = cache.verify();
        assertEquals(List.of(), report.faults());
        assertEquals(1201, report.paths());
    }

    /** The held outputs, in the order of their paths, as the datastore keeps them. */
    private static final class Outputs implements DerivationService {
        final TreeMap<String, StoredOutput> held = new TreeMap<>();

        @Override
        public DerivationSummary get(String derivationPath) {
            throw new NotFoundException("derivation", derivationPath);
        }

        @Override
        public Set<String> known(Collection<String> derivationPaths) {
            return Set.of();
        }

        @Override
        public Set<String> heldOutputs(Collection<String> storePaths) {
            return Set.copyOf(storePaths.stream().filter(held::containsKey).toList());
        }

        @Override
        public Optional<StoredOutput> storedOutput(String storePath) {
            return Optional.ofNullable(held.get(storePath));
        }

        @Override
        public Optional<StoredOutput> storedOutputByHashPart(String hashPart) {
            return held.values().stream().filter(o -> o.path().startsWith("/nix/store/" + hashPart + "-")).findFirst();
        }

        @Override
        public List<StoredOutput> storedOutputs(String afterPath, int limit) {
            return held.tailMap(afterPath, false).values().stream().limit(limit).toList();
        }
    }
}
