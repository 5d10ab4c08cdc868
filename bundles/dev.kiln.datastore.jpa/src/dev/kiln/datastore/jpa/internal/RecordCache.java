package dev.kiln.datastore.jpa.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;

/**
 * Builds, agents and derivations kept in memory, the most recently used of each, so that what an agent asks for each
 * build (fetch, start, upload, success) and the checks of each request are answered without a query; and the events
 * of the latest commits, which every hook queue reads after each commit.
 *
 * <p>It is only right because one datastore is the only writer of its database and writes one transaction at a time.
 * Builds and agents come in only from the writer, never from a read, and the writer hands a transaction's
 * {@link Changes} over just before the database commits them: the cache is never behind the database, so a reader
 * sees a build's versions in commit order whether it finds them here or, missing, in the database. The price is that
 * a reader may see a change a few milliseconds before it is durable; the writer answers its caller only once it is,
 * and if the commit fails the changes are forgotten here. Builds that reach a final state leave the cache (agents are
 * done with them), and builds just submitted take only room that is free, so that a submission of thousands does not
 * push out the builds agents work on. Derivations never change once stored: those a transaction stores are kept with
 * its changes, and a read keeps those it found.
 */
final class RecordCache {

    /**
     * The fewest and the most builds kept. In between, a sixteenth of the most the heap may grow to, at
     * {@value #BYTES_A_BUILD} bytes a build: a farm's scheduled builds, which the allocator reads as it hands them
     * out, stay here rather than each being read back from the database.
     */
    static final int FEWEST_BUILDS = 16_384;
    static final int MOST_BUILDS = 262_144;
    static final int BYTES_A_BUILD = 512;
    static final int AGENTS = 4_096;
    static final int DERIVATIONS = 16_384;
    /** The most recent committed events kept: every hook queue reads the outbox's tail after each commit. */
    static final int EVENTS = 8_192;

    private final int buildCapacity;
    private final Map<UUID, Build> builds;
    private final Map<UUID, Agent> agents = lru(AGENTS);
    private final Map<String, DerivationSummary> derivations = lru(DERIVATIONS);
    private final TreeMap<Long, Event> events = new TreeMap<>();
    /** Every committed event with a greater id is in {@link #events}; none is known before {@link #eventsFrom}. */
    private long eventsKeptAfter = Long.MAX_VALUE;

    /** A cache that keeps as many builds as the heap allows. */
    RecordCache() {
        this(buildCapacity(Runtime.getRuntime().maxMemory()));
    }

    RecordCache(int buildCapacity) {
        this.buildCapacity = buildCapacity;
        this.builds = lru(buildCapacity);
    }

    /** How many builds to keep with a heap that may grow to {@code maxHeapBytes}. */
    static int buildCapacity(long maxHeapBytes) {
        return (int) Math.max(FEWEST_BUILDS, Math.min(MOST_BUILDS, maxHeapBytes / 16 / BYTES_A_BUILD));
    }

    synchronized Build build(UUID id) {
        return builds.get(id);
    }

    synchronized Agent agent(UUID id) {
        return agents.get(id);
    }

    synchronized DerivationSummary derivation(String path) {
        return derivations.get(path);
    }

    /** Starts keeping the events committed from now on, those with ids above {@code latestCommitted}. */
    synchronized void eventsFrom(long latestCommitted) {
        events.clear();
        eventsKeptAfter = latestCommitted;
    }

    /** Keeps events, in commit order: those of a transaction about to commit, as its builds (see the class). */
    private void keepEvents(List<Event> committed) {
        if (eventsKeptAfter == Long.MAX_VALUE) {
            return;
        }
        for (Event event : committed) {
            // As the database keeps it: to the millisecond.
            Instant time = Instant.ofEpochMilli(event.time().toEpochMilli());
            events.put(event.id(), new Event(event.id(), event.type(), time, event.buildId(), event.agentId(),
                    event.data()));
        }
        while (events.size() > EVENTS) {
            eventsKeptAfter = events.pollFirstEntry().getKey();
        }
    }

    /**
     * The committed events after {@code afterId}, at most {@code limit}, in order; or {@code null} when some of them
     * may be older than those kept.
     */
    synchronized List<Event> eventsAfter(long afterId, int limit) {
        if (afterId < eventsKeptAfter) {
            return null;
        }
        List<Event> found = new ArrayList<>();
        for (Event event : events.tailMap(afterId, false).values()) {
            if (found.size() == limit) {
                break;
            }
            found.add(event);
        }
        return found;
    }

    /** Keeps a committed derivation. */
    synchronized void offer(DerivationSummary derivation) {
        derivations.put(derivation.path(), derivation);
    }

    /** Takes in the changes of a transaction about to commit. */
    synchronized void committing(Changes changes) {
        keepEvents(changes.events);
        changes.builds.forEach((id, build) -> {
            if (build.state().isFinal()) {
                builds.remove(id);
            } else if (!changes.insertedBuilds.contains(id) || builds.size() < buildCapacity) {
                builds.put(id, build);
            }
        });
        changes.staleBuilds.forEach(builds::remove);
        agents.putAll(changes.agents);
        changes.removedAgents.forEach(agents::remove);
        changes.derivations.forEach(derivation -> derivations.put(derivation.path(), derivation));
    }

    /** Lets go of the changes of a transaction whose commit failed: they are read from the database again. */
    synchronized void forget(Changes changes) {
        changes.events.forEach(event -> events.remove(event.id()));
        changes.builds.keySet().forEach(builds::remove);
        changes.agents.keySet().forEach(agents::remove);
        changes.removedAgents.forEach(agents::remove);
        changes.derivations.forEach(derivation -> derivations.remove(derivation.path()));
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return new LinkedHashMap<>(capacity / 4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * What one write transaction (all the works of a group) changed, as its works see it before it commits: the
     * builds and agents as written, the builds changed in ways only the database knows (read them there), the
     * change of the number of builds in each state, and the last event.
     */
    static final class Changes {
        final Map<UUID, Build> builds = new HashMap<>();
        /** Builds this transaction inserted: they take only free room in the cache. */
        final Set<UUID> insertedBuilds = new HashSet<>();
        final Set<UUID> staleBuilds = new HashSet<>();
        final Map<UUID, Agent> agents = new HashMap<>();
        final Set<UUID> removedAgents = new HashSet<>();
        /** Derivations this transaction stored. */
        final List<DerivationSummary> derivations = new ArrayList<>();
        final Map<BuildState, Long> buildsByState = new EnumMap<>(BuildState.class);
        /** The events appended, in order. */
        final List<Event> events = new ArrayList<>();
        /** The id of the last event appended, 0 if none. */
        long latestEventId;

        void wrote(Build build) {
            builds.put(build.id(), build);
            staleBuilds.remove(build.id());
        }

        void inserted(Build build) {
            builds.put(build.id(), build);
            insertedBuilds.add(build.id());
        }

        void changedInDatabase(UUID buildId) {
            builds.remove(buildId);
            staleBuilds.add(buildId);
        }

        void stateChanged(BuildState from, BuildState to) {
            if (from == to) {
                return;
            }
            if (from != null) {
                buildsByState.merge(from, -1L, Long::sum);
            }
            buildsByState.merge(to, 1L, Long::sum);
        }
    }
}
