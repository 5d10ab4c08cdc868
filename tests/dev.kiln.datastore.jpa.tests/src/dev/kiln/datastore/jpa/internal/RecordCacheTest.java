package dev.kiln.datastore.jpa.internal;

import static dev.kiln.datastore.jpa.internal.Fixtures.SYSTEM;
import static dev.kiln.datastore.jpa.internal.Fixtures.T0;
import static dev.kiln.datastore.jpa.internal.Fixtures.build;
import static dev.kiln.datastore.jpa.internal.Fixtures.derivation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventType;

class RecordCacheTest {

    private final RecordCache cache = new RecordCache(RecordCache.FEWEST_BUILDS);
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
    void keepsTheLatestCommittedEventsAndSaysWhenItCannotAnswer() {
        assertNull(cache.eventsAfter(0, 10), "nothing is known before it starts");
        cache.eventsFrom(40);
        committing(event(41), event(42));
        RecordCache.Changes failed = committing(event(43));
        cache.forget(failed);
        committing(event(44));

        assertEquals(List.of(41L, 42L, 44L), ids(cache.eventsAfter(40, 10)));
        assertEquals(List.of(42L), ids(cache.eventsAfter(41, 1)));
        assertEquals(List.of(), ids(cache.eventsAfter(44, 10)));
        assertNull(cache.eventsAfter(39, 10), "event 40 and older are in the database only");

        List<Event> many = new ArrayList<>();
        for (long id = 45; id < 45 + RecordCache.EVENTS; id++) {
            many.add(event(id));
        }
        committing(many.toArray(Event[]::new));
        assertNull(cache.eventsAfter(43, 10), "44 was let go");
        assertEquals(List.of(46L, 47L), ids(cache.eventsAfter(45, 2)));
    }

    private RecordCache.Changes committing(Event... events) {
        RecordCache.Changes changes = new RecordCache.Changes();
        changes.events.addAll(List.of(events));
        cache.committing(changes);
        return changes;
    }

    private static Event event(long id) {
        return new Event(id, EventType.BUILD_SUBMITTED, T0, null, null, Map.of());
    }

    private static List<Long> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }

    @Test
    void buildsChangedOnlyInTheDatabaseAndFinishedBuildsAreForgotten() {
        Build tagged = build(1, drv, BuildState.SCHEDULED, Set.of());
        Build started = build(2, drv, BuildState.STARTED, Set.of());
        write(tagged);
        write(started);
        RecordCache.Changes changes = new RecordCache.Changes();
        changes.changedInDatabase(tagged.id());
        changes.wrote(started.withState(BuildState.SUCCEEDED, T0.plusSeconds(1)));

        cache.committing(changes);

        assertNull(cache.build(tagged.id()));
        assertNull(cache.build(started.id()), "agents are done with a finished build: it is read in the database");
    }

    @Test
    void insertedBuildsTakeOnlyFreeRoom() {
        Build inserted = build(1, drv, BuildState.SCHEDULED, Set.of());
        insert(inserted);
        assertEquals(inserted, cache.build(inserted.id()));
        for (int i = 2; i <= RecordCache.FEWEST_BUILDS; i++) {
            write(build(i, drv, BuildState.SCHEDULED, Set.of()));
        }
        Build late = build(RecordCache.FEWEST_BUILDS + 1, drv, BuildState.SCHEDULED, Set.of());

        insert(late);

        assertNull(cache.build(late.id()), "a full cache keeps the builds agents work on");
        assertEquals(inserted, cache.build(inserted.id()));
    }

    @Test
    void keepsTheDerivationsATransactionStoredOnceItCommits() {
        RecordCache.Changes changes = new RecordCache.Changes();
        changes.derivations.add(drv);
        cache.committing(changes);
        assertEquals(drv, cache.derivation(drv.path()));
        DerivationSummary other = derivation("b");
        RecordCache.Changes failed = new RecordCache.Changes();
        failed.derivations.add(other);
        cache.committing(failed);

        cache.forget(failed);

        assertNull(cache.derivation(other.path()), "the commit failed: the derivation is not stored");
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
        for (int i = 3; i <= RecordCache.FEWEST_BUILDS + 1; i++) {
            write(build(i, drv, BuildState.SCHEDULED, Set.of()));
            if (i == RecordCache.FEWEST_BUILDS) {
                assertEquals(first, cache.build(first.id()), "used again just before it would go");
            }
        }

        assertEquals(first, cache.build(first.id()));
        assertNull(cache.build(second.id()), "the least recently used went");
    }

    @Test
    void keepsMoreBuildsWithALargerHeapWithinBounds() {
        long mib = 1024 * 1024;
        assertEquals(RecordCache.FEWEST_BUILDS, RecordCache.buildCapacity(128 * mib));
        assertEquals(RecordCache.FEWEST_BUILDS, RecordCache.buildCapacity(64 * mib));
        // 1 GiB: a sixteenth is 64 MiB, 131,072 builds of 512 bytes.
        assertEquals(131_072, RecordCache.buildCapacity(1024 * mib));
        assertEquals(RecordCache.MOST_BUILDS, RecordCache.buildCapacity(8 * 1024 * mib));
    }

    @Test
    void aLargerCacheKeepsSubmittedBuildsBeyondTheFewest() {
        RecordCache larger = new RecordCache(RecordCache.FEWEST_BUILDS * 2);
        RecordCache.Changes changes = new RecordCache.Changes();
        List<Build> submitted = new ArrayList<>();
        for (int i = 1; i <= RecordCache.FEWEST_BUILDS * 2; i++) {
            Build build = build(i, drv, BuildState.SCHEDULED, Set.of());
            submitted.add(build);
            changes.inserted(build);
        }
        larger.committing(changes);

        Build last = submitted.get(submitted.size() - 1);
        assertEquals(last, larger.build(last.id()));
        assertEquals(submitted.get(0), larger.build(submitted.get(0).id()));
    }

    private void insert(Build build) {
        RecordCache.Changes changes = new RecordCache.Changes();
        changes.inserted(build);
        cache.committing(changes);
    }

    private void write(Build build) {
        RecordCache.Changes changes = new RecordCache.Changes();
        changes.wrote(build);
        cache.committing(changes);
    }
}
