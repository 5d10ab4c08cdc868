package dev.kiln.datastore.jpa.internal;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;

/**
 * Committed builds, agents and derivations kept in memory, the most recently used of each, so that what an agent asks
 * for each build (fetch, start, upload, success) and the checks of each request are answered without a query.
 *
 * <p>It is only right because one datastore is the only writer of its database and writes one transaction at a time:
 * the writer hands each committed transaction's {@link Changes} over before the next transaction starts. A read that
 * missed offers what it read from the database; the offer is taken only if no commit was handed over since the read
 * began (the generation), so that a slow reader never puts an older version back over a newer one. Derivations never
 * change once stored.
 */
final class RecordCache {

    static final int BUILDS = 16_384;
    static final int AGENTS = 4_096;
    static final int DERIVATIONS = 4_096;

    private final Map<UUID, Build> builds = lru(BUILDS);
    private final Map<UUID, Agent> agents = lru(AGENTS);
    private final Map<String, DerivationSummary> derivations = lru(DERIVATIONS);
    /** How many commits were handed over. */
    private long generation;

    synchronized long generation() {
        return generation;
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

    /** Keeps a build read from the database when {@code readSince}, no commit came in between. */
    synchronized void offer(Build build, long readSince) {
        if (generation == readSince) {
            builds.put(build.id(), build);
        }
    }

    synchronized void offer(Agent agent, long readSince) {
        if (generation == readSince) {
            agents.put(agent.id(), agent);
        }
    }

    /** Keeps a committed derivation. */
    synchronized void offer(DerivationSummary derivation) {
        derivations.put(derivation.path(), derivation);
    }

    /** Takes in the changes of a committed transaction. */
    synchronized void committed(Changes changes) {
        generation++;
        changes.builds.forEach((id, build) -> {
            if (!changes.insertedBuilds.contains(id)) {
                builds.put(id, build);
            }
        });
        changes.staleBuilds.forEach(builds::remove);
        agents.putAll(changes.agents);
    }

    /** Empties the cache, for tests that change the database behind the datastore's back. */
    synchronized void clear() {
        generation++;
        builds.clear();
        agents.clear();
        derivations.clear();
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
        /** Builds this transaction inserted: a submission of thousands would push out the builds agents work on. */
        final Set<UUID> insertedBuilds = new HashSet<>();
        final Set<UUID> staleBuilds = new HashSet<>();
        final Map<UUID, Agent> agents = new HashMap<>();
        final Map<BuildState, Long> buildsByState = new EnumMap<>(BuildState.class);
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
