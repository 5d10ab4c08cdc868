package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.RetentionPolicy;
import dev.kiln.api.datastore.HeldPath;
import dev.kiln.cache.RetentionReport;
import dev.kiln.cache.internal.ObjectStoreContract.Nar;
import dev.kiln.cache.storage.ObjectStore;

/**
 * What the garbage collector keeps and removes, on real NAR objects in a store: each store's test extends this class
 * and says how to make a store over fresh, empty storage.
 */
abstract class RetentionContract {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path work;
    @TempDir
    Path state;

    private final InMemoryRetentionData data = new InMemoryRetentionData();
    private ObjectStore store;
    private int stores;

    /** A store over empty storage; {@code name} differs for every call. */
    abstract ObjectStore newStore(String name) throws IOException;

    @BeforeEach
    void openStore() throws IOException {
        store = newStore("retention-" + System.nanoTime() + "-" + stores++);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private GarbageCollector collector(RetentionPolicy policy) {
        return new GarbageCollector(data, store, CacheOptions.from(TestConfigurations.of(state)),
                new RetentionOptions(Optional.of(policy), Duration.ofHours(1), Duration.ZERO, Duration.ZERO),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** A held path whose NAR object holds {@code text}, stored and last served at these times. */
    private HeldPath held(String name, String text, Instant storedAt, Instant lastServed, String... references)
            throws IOException {
        Nar nar = Nar.of(work, text);
        HeldPath path = new HeldPath("/nix/store/" + (name.repeat(32).substring(0, 32)) + "-" + name,
                nar.digest().narHash().toPrefixedBase32(), nar.digest().narSize(), List.of(references), storedAt,
                lastServed);
        store.put(RetentionPlan.narKey(path), Files.write(Files.createTempFile(work, "nar", ""), nar.compressed()));
        data.held.put(path.path(), path);
        return path;
    }

    private HeldPath held(String name, Instant storedAt, String... references) throws IOException {
        return held(name, "the output " + name + "\n", storedAt, null, references);
    }

    private long size(HeldPath path) throws IOException {
        return store.size(RetentionPlan.narKey(path)).getAsLong();
    }

    private boolean narExists(HeldPath path) throws IOException {
        return store.size(RetentionPlan.narKey(path)).isPresent();
    }

    private void assertKept(HeldPath... paths) throws IOException {
        for (HeldPath path : paths) {
            assertTrue(data.held.containsKey(path.path()), path.path() + " is still held");
            assertTrue(narExists(path), "the NAR of " + path.path() + " is still there");
        }
    }

    private void assertRemoved(HeldPath... paths) throws IOException {
        for (HeldPath path : paths) {
            assertFalse(data.held.containsKey(path.path()), path.path() + " is no longer held");
            assertFalse(narExists(path), "the NAR of " + path.path() + " is gone");
        }
    }

    @Test
    void aKeptPathKeepsItsWholeClosureAndTheRestGoesReferrersFirst() throws IOException {
        Instant old = NOW.minus(Duration.ofDays(30));
        HeldPath lib = held("l", old);
        HeldPath tool = held("t", old, lib.path());
        HeldPath app = held("a", old, tool.path(), "/nix/store/" + "a".repeat(32) + "-a");
        HeldPath stale = held("s", old, lib.path());
        HeldPath staleUser = held("u", old, stale.path());
        data.roots = Set.of(app.path());

        RetentionReport report = collector(new RetentionPolicy(1, 0, 0)).collect(false);

        assertKept(app, tool, lib);
        assertRemoved(stale, staleUser);
        assertEquals(List.of(staleUser.path(), stale.path()), report.paths());
        assertEquals(2, report.objects());
        assertEquals(3, report.keptPaths());
    }

    @Test
    void whatAPendingBuildNeedsWhenThePathsAreDeletedStaysWithItsClosure() throws IOException {
        Instant old = NOW.minus(Duration.ofDays(30));
        HeldPath lib = held("l", old);
        HeldPath tool = held("t", old, lib.path());
        HeldPath other = held("o", old);
        data.roots = Set.of();
        data.neededAtDeletion = Set.of(tool.path());

        RetentionReport report = collector(new RetentionPolicy(0, 1, 0)).collect(false);

        assertKept(tool, lib);
        assertRemoved(other);
        assertEquals(List.of(other.path()), report.paths());
    }

    @Test
    void pathsStoredWithinTheDaysAreKept() throws IOException {
        HeldPath fresh = held("f", NOW.minus(Duration.ofHours(47)));
        HeldPath old = held("o", NOW.minus(Duration.ofHours(49)));
        HeldPath freshUser = held("u", NOW.minus(Duration.ofHours(1)), old.path());

        collector(new RetentionPolicy(0, 2, 0)).collect(false);

        assertKept(fresh, old, freshUser);
        data.held.remove(freshUser.path());
        collector(new RetentionPolicy(0, 2, 0)).collect(false);
        assertKept(fresh);
        assertRemoved(old);
    }

    @Test
    void underAStorageLimitTheLeastRecentlyServedGoFirst() throws IOException {
        Instant stored = NOW.minus(Duration.ofDays(10));
        HeldPath first = held("a", "same length a\n", stored, NOW.minus(Duration.ofHours(4)));
        HeldPath second = held("b", "same length b\n", stored, NOW.minus(Duration.ofHours(1)));
        HeldPath third = held("c", "same length c\n", stored, NOW.minus(Duration.ofHours(3)));
        HeldPath never = held("d", "same length d\n", stored, null);
        long kept = size(second) + size(third);
        long removed = size(first) + size(never);

        RetentionReport report = collector(new RetentionPolicy(0, 0, kept + size(first) / 2)).collect(false);

        assertKept(second, third);
        assertRemoved(first, never);
        assertEquals(kept, report.keptBytes());
        assertEquals(removed, report.bytes());
    }

    @Test
    void servingTimesAreWrittenInBatchesAndCountForTheLimit() throws IOException {
        Instant stored = NOW.minus(Duration.ofDays(10));
        HeldPath first = held("a", "same length a\n", stored, NOW.minus(Duration.ofHours(2)));
        HeldPath second = held("b", "same length b\n", stored, NOW.minus(Duration.ofHours(1)));
        GarbageCollector collector = collector(new RetentionPolicy(0, 0, size(first) + size(second) / 2));
        String hashPart = first.path().substring("/nix/store/".length(), "/nix/store/".length() + 32);

        collector.served(hashPart);
        assertTrue(data.served.isEmpty(), "a fetch writes nothing");
        collector.flushServed();
        assertEquals(NOW, data.served.get(hashPart));

        data.held.put(first.path(), new HeldPath(first.path(), first.narHash(), first.narSize(), first.references(),
                first.storedAt(), NOW));
        collector.collect(false);
        assertKept(first);
        assertRemoved(second);
    }

    @Test
    void aNarTwoPathsShareStaysWhileOneIsHeld() throws IOException {
        Instant old = NOW.minus(Duration.ofDays(30));
        HeldPath kept = held("k", "one content\n", old, null);
        HeldPath twin = held("t", "one content\n", old, null);
        data.roots = Set.of(kept.path());

        RetentionReport report = collector(new RetentionPolicy(1, 0, 0)).collect(false);

        assertKept(kept);
        assertFalse(data.held.containsKey(twin.path()));
        assertEquals(List.of(twin.path()), report.paths());
        assertEquals(0, report.objects());
    }

    @Test
    void aDryRunSaysWhatWouldGoAndRemovesNothing() throws IOException {
        Instant old = NOW.minus(Duration.ofDays(30));
        HeldPath kept = held("k", old);
        HeldPath stale = held("s", old);
        data.roots = Set.of(kept.path());

        RetentionReport report = collector(new RetentionPolicy(1, 0, 0)).collect(true);

        assertTrue(report.dryRun());
        assertEquals(List.of(stale.path()), report.paths());
        assertEquals(1, report.objects());
        assertEquals(size(stale), report.bytes());
        assertKept(kept, stale);
    }

    @Test
    void theNarsOfAnInterruptedRunGoAtTheNextWhenNoPathHoldsThem() throws IOException {
        Instant old = NOW.minus(Duration.ofDays(30));
        HeldPath kept = held("k", old);
        HeldPath orphan = held("o", old);
        data.held.remove(orphan.path());
        Files.writeString(state.resolve("gc.journal"), RetentionPlan.narKey(orphan) + "\n"
                + RetentionPlan.narKey(kept) + "\n", StandardCharsets.UTF_8);
        data.roots = Set.of(kept.path());

        RetentionReport report = collector(new RetentionPolicy(1, 0, 0)).collect(false);

        assertFalse(narExists(orphan), "the orphaned NAR is gone");
        assertKept(kept);
        assertEquals(1, report.objects());
        assertFalse(Files.exists(state.resolve("gc.journal")), "the journal is cleared once the run is done");
    }

    @Test
    void aPolicyThatWouldKeepNothingIsRefused() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> RetentionPolicy.of(0, 0, 0L));
        assertTrue(refused.getMessage().startsWith("the retention policy would keep nothing"), refused.getMessage());
        assertEquals(Optional.empty(), RetentionPolicy.of(null, null, null));
        assertEquals(new RetentionPolicy(0, 0, 1024), RetentionPolicy.of(null, null, 1024L).orElseThrow());
    }
}
