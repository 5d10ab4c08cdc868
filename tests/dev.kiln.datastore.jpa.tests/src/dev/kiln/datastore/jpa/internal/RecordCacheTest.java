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
    void keepsWhatTransactionsWrote() {
        Build build = build(1, drv, BuildState.SCHEDULED, Set.of());
        Agent agent = new Agent(UUID.randomUUID(), "a", "", Set.of(SYSTEM), Set.of(), true, T0, null);
        RecordCache.Changes first = new RecordCache.Changes();
        first.wrote(build.withState(BuildState.ALLOCATED, T0.plusSeconds(1)));
        first.agents.put(agent.id(), agent);
        cache.committing(first);
        RecordCache.Changes second = new RecordCache.Changes();
        Build started = build.withState(BuildState.STARTED, T0.plusSeconds(2));
        second.wrote(started);
        cache.committing(second);

        assertEquals(started, cache.build(build.id()));
        assertEquals(agent, cache.agent(agent.id()));
        cache.offer(drv);
        assertEquals(drv, cache.derivation(drv.path()));
    }

    @Test
    void insertedBuildsAreNotKeptAndBuildsChangedOnlyInTheDatabaseAreForgotten() {
        Build tagged = build(1, drv, BuildState.SCHEDULED, Set.of());
        RecordCache.Changes before = new RecordCache.Changes();
        before.wrote(tagged);
        cache.committing(before);
        RecordCache.Changes changes = new RecordCache.Changes();
        Build inserted = build(2, drv, BuildState.SCHEDULED, Set.of());
        changes.inserted(inserted);
        changes.changedInDatabase(tagged.id());

        cache.committing(changes);

        assertNull(cache.build(inserted.id()));
        assertNull(cache.build(tagged.id()));
    }

    @Test
    void forgetsTheChangesOfATransactionWhoseCommitFailed() {
        Build build = build(1, drv, BuildState.SCHEDULED, Set.of());
        Agent agent = new Agent(UUID.randomUUID(), "a", "", Set.of(SYSTEM), Set.of(), true, T0, null);
        RecordCache.Changes changes = new RecordCache.Changes();
        changes.wrote(build);
        changes.agents.put(agent.id(), agent);
        cache.committing(changes);

        cache.forget(changes);

        assertNull(cache.build(build.id()));
        assertNull(cache.agent(agent.id()));
    }

    @Test
    void keepsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        Build first = build(1, drv, BuildState.SCHEDULED, Set.of());
        Build second = build(2, drv, BuildState.SCHEDULED, Set.of());
        write(first);
        write(second);
        for (int i = 3; i <= RecordCache.BUILDS + 1; i++) {
            write(build(i, drv, BuildState.SCHEDULED, Set.of()));
            if (i == RecordCache.BUILDS) {
                assertEquals(first, cache.build(first.id()), "used again just before it would go");
            }
        }

        assertEquals(first, cache.build(first.id()));
        assertNull(cache.build(second.id()), "the least recently used went");
    }

    private void write(Build build) {
        RecordCache.Changes changes = new RecordCache.Changes();
        changes.wrote(build);
        cache.committing(changes);
    }
}
