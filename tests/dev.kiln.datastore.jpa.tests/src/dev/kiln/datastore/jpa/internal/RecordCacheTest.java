package dev.kiln.datastore.jpa.internal;

import static dev.kiln.datastore.jpa.internal.Fixtures.SYSTEM;
import static dev.kiln.datastore.jpa.internal.Fixtures.T0;
import static dev.kiln.datastore.jpa.internal.Fixtures.build;
import static dev.kiln.datastore.jpa.internal.Fixtures.derivation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;

class RecordCacheTest {

    private final RecordCache cache = new RecordCache();
    private final DerivationSummary drv = derivation("a");

    @Test
    void aReadThatBeganBeforeACommitDoesNotPutBackWhatItRead() {
        Build read = build(1, drv, BuildState.SCHEDULED, Set.of());
        long readSince = cache.generation();
        RecordCache.Changes changes = new RecordCache.Changes();
        Build allocated = read.withState(BuildState.ALLOCATED, T0.plusSeconds(1));
        changes.wrote(allocated);
        cache.committed(changes);

        cache.offer(read, readSince);

        assertEquals(allocated, cache.build(read.id()));
    }

    @Test
    void aReadWithNoCommitSinceItBeganIsKept() {
        Build read = build(1, drv, BuildState.SCHEDULED, Set.of());
        Agent agent = new Agent(UUID.randomUUID(), "a", "", Set.of(SYSTEM), Set.of(), true, T0, null);
        long readSince = cache.generation();

        cache.offer(read, readSince);
        cache.offer(agent, readSince);

        assertEquals(read, cache.build(read.id()));
        assertEquals(agent, cache.agent(agent.id()));
    }

    @Test
    void insertedBuildsAreNotKeptAndBuildsChangedOnlyInTheDatabaseAreForgotten() {
        Build tagged = build(1, drv, BuildState.SCHEDULED, Set.of());
        cache.offer(tagged, cache.generation());
        RecordCache.Changes changes = new RecordCache.Changes();
        Build inserted = build(2, drv, BuildState.SCHEDULED, Set.of());
        changes.inserted(inserted);
        changes.changedInDatabase(tagged.id());

        cache.committed(changes);

        assertNull(cache.build(inserted.id()));
        assertNull(cache.build(tagged.id()));
    }

    @Test
    void keepsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        Build first = build(1, drv, BuildState.SCHEDULED, Set.of());
        Build second = build(2, drv, BuildState.SCHEDULED, Set.of());
        cache.offer(first, cache.generation());
        cache.offer(second, cache.generation());
        for (int i = 3; i <= RecordCache.BUILDS + 1; i++) {
            cache.offer(build(i, drv, BuildState.SCHEDULED, Set.of()), cache.generation());
            if (i == RecordCache.BUILDS) {
                assertEquals(first, cache.build(first.id()), "used again just before it would go");
            }
        }

        assertEquals(first, cache.build(first.id()));
        assertNull(cache.build(second.id()), "the least recently used went");
    }
}
