package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import org.eclipse.persistence.annotations.BatchFetchType;
import org.eclipse.persistence.config.QueryHints;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.TypedQuery;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventType;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.RunningBuild;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.StoredOutput;
import dev.kiln.api.Tag;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.BuildRef;
import dev.kiln.api.datastore.BuildTime;
import dev.kiln.api.datastore.DatastoreTransaction;
import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.api.datastore.HeldPath;
import dev.kiln.api.datastore.StoredEvaluation;
import dev.kiln.api.datastore.StoredJobset;
import dev.kiln.datastore.jpa.internal.model.AgentEntity;
import dev.kiln.datastore.jpa.internal.model.AgentPasswordEntity;
import dev.kiln.datastore.jpa.internal.model.BuildEntity;
import dev.kiln.datastore.jpa.internal.model.EventCursorEntity;
import dev.kiln.datastore.jpa.internal.model.EventEntity;
import dev.kiln.datastore.jpa.internal.model.SetupFailureEntity;
import dev.kiln.datastore.jpa.internal.model.StoredPathEntity;
import dev.kiln.protocol.ProtocolJson;

/**
 * One unit of work on an entity manager: the reads, and in a write transaction the writes. Collections of keys are
 * queried in chunks, to keep {@code IN} lists within what every database accepts. Builds, agents and derivations are
 * read first from this transaction's own changes, then from the {@link RecordCache}, and only then from the database;
 * the writes of a build's life go through {@link BuildRows}.
 */
final class JpaTransaction implements DatastoreTransaction {

    private static final int CHUNK = BuildRows.CHUNK;
    private static final String[] BUILD_BATCH = {"b.tags", "b.requiredTags"};
    private static final List<String> PENDING = List.of(BuildState.SCHEDULED.id(), BuildState.ALLOCATED.id(),
            BuildState.STARTED.id());

    private final JpaDatastore.Counters counters;
    private final KeyIndexes indexes;
    private final RecordCache cache;
    /** What the transaction wrote so far, with the works before it in the same group; {@code null} in a read. */
    private final RecordCache.Changes changes;
    private final List<Event> appended = new ArrayList<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    /** Builds inserted and not yet written: they go in batches, before the next read or write of the database. */
    private final List<Build> unwrittenBuilds = new ArrayList<>();
    /** Events appended and not yet written: they go in one batch, before the commit or a read of events. */
    private final List<Event> unwritten = new ArrayList<>();
    /** Opens the entity manager of a read the first time it needs the database; {@code null} when writing. */
    private final EntityManagerFactory readerFactory;
    /** The connection of a read, for plain queries, taken the first time it needs one. */
    private final ConnectionPool readerPool;
    private EntityManager manager;
    private Connection readerConnection;
    /** Whether entities were persisted or changed since the last flush. */
    private boolean unflushed;

    /** A work of a write transaction, on the transaction's entity manager. */
    JpaTransaction(EntityManager manager, JpaDatastore.Counters counters, KeyIndexes indexes, RecordCache cache,
            RecordCache.Changes changes) {
        this.manager = manager;
        this.counters = counters;
        this.indexes = indexes;
        this.cache = cache;
        this.changes = changes;
        this.readerFactory = null;
        this.readerPool = null;
        manager.setFlushMode(FlushModeType.COMMIT);
    }

    /** A read, which opens an entity manager or a connection only if the cache cannot answer it. */
    JpaTransaction(EntityManagerFactory factory, ConnectionPool pool, JpaDatastore.Counters counters,
            KeyIndexes indexes, RecordCache cache) {
        this.counters = counters;
        this.indexes = indexes;
        this.cache = cache;
        this.changes = null;
        this.readerFactory = factory;
        this.readerPool = pool;
    }

    /** Ends a read: closes what it opened. */
    void closeReader() {
        if (manager != null) {
            manager.close();
        }
        if (readerConnection != null) {
            try {
                readerConnection.close();
            } catch (SQLException e) {
                throw new PersistenceException("cannot return a connection: " + e.getMessage(), e);
            }
        }
    }

    List<Event> appendedEvents() {
        return appended;
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }

    /** The connection for plain queries; they see the writes made so far. */
    private Connection connection() {
        if (changes == null) {
            if (readerConnection == null) {
                try {
                    readerConnection = readerPool.getConnection();
                } catch (SQLException e) {
                    throw new PersistenceException("cannot connect: " + e.getMessage(), e);
                }
            }
            return readerConnection;
        }
        flush();
        return manager.unwrap(Connection.class);
    }

    /**
     * The connection for plain writes: the entities read before are let go, so that none is used again as it was
     * before the write.
     */
    private Connection writeConnection() {
        Connection connection = connection();
        manager.clear();
        return connection;
    }

    /** Sends the writes made so far to the database, so that the next work of the same transaction reads them. */
    void flushWrites() {
        flush();
        writeEvents();
    }

    private void writeEvents() {
        if (unwritten.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection().prepareStatement("INSERT INTO event (id, event_type, event_time, "
                + "build_id, agent_id, payload) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Event event : unwritten) {
                insert.setLong(1, event.id());
                insert.setString(2, event.type().id());
                insert.setLong(3, event.time().toEpochMilli());
                insert.setString(4, event.buildId() == null ? null : event.buildId().toString());
                insert.setString(5, event.agentId() == null ? null : event.agentId().toString());
                insert.setString(6, ProtocolJson.writeString(event.data()));
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new PersistenceException("cannot append " + unwritten.size() + " events: " + e.getMessage(), e);
        }
        unwritten.clear();
    }

    /** The entity manager, one per database transaction (opened by a read that needs it). */
    EntityManager manager() {
        if (manager == null) {
            manager = readerFactory.createEntityManager();
        }
        return manager;
    }

    // Builds

    @Override
    public Optional<Build> build(UUID buildId) {
        return builds(List.of(buildId)).stream().findFirst();
    }

    @Override
    public List<Build> builds(Collection<UUID> buildIds) {
        List<Build> found = new ArrayList<>(buildIds.size());
        List<UUID> missed = new ArrayList<>();
        for (UUID id : new LinkedHashSet<>(buildIds)) {
            Build known = known(id);
            if (known != null) {
                found.add(known);
            } else {
                missed.add(id);
            }
        }
        if (missed.isEmpty()) {
            return found;
        }
        found.addAll(keyed("builds", missed.stream().map(UUID::toString).toList(),
                (connection, chunk) -> BuildRows.read(connection, indexes, chunk).values()));
        return found;
    }

    /** The build as this transaction wrote it, else as cached, else {@code null}: read it in the database. */
    private Build known(UUID id) {
        if (changes != null) {
            Build written = changes.builds.get(id);
            if (written != null || changes.staleBuilds.contains(id)) {
                return written;
            }
        }
        return cache.build(id);
    }

    @Override
    public BuildPage builds(BuildQuery query) {
        BuildListing listing = new BuildListing(query);
        TypedQuery<BuildEntity> typed = batched(query(listing.page(), BuildEntity.class), BUILD_BATCH);
        listing.parameters().forEach(typed::setParameter);
        List<BuildEntity> rows = typed.setMaxResults(query.limit() + 1).getResultList();
        boolean more = rows.size() > query.limit();
        List<Build> builds = rows.stream().limit(query.limit()).map(BuildEntity::toBuild).toList();
        String next = more ? listing.cursorAfter(builds.get(builds.size() - 1)) : null;
        return new BuildPage(builds, next);
    }

    @Override
    public Map<BuildState, Long> buildCounts(BuildQuery filter) {
        if (filter.system() == null && filter.tag() == null && filter.derivationPath() == null
                && filter.agentId() == null) {
            Map<BuildState, Long> counts = new EnumMap<>(BuildState.class);
            counts.putAll(counters.buildsByState());
            if (changes != null) {
                changes.buildsByState.forEach((state, change) -> counts.merge(state, change, Long::sum));
            }
            counts.entrySet().removeIf(count -> count.getValue() == 0
                    || (!filter.states().isEmpty() && !filter.states().contains(count.getKey())));
            return counts;
        }
        BuildListing listing = new BuildListing(filter);
        TypedQuery<Object[]> typed = query(listing.countsByState(), Object[].class);
        listing.parameters().forEach(typed::setParameter);
        Map<BuildState, Long> counts = new EnumMap<>(BuildState.class);
        typed.getResultList().forEach(row -> counts.put(BuildState.fromId((String) row[0]),
                ((Number) row[1]).longValue()));
        return counts;
    }

    @Override
    public List<RunningBuild> runningBuilds() {
        return query("SELECT b.id, b.agentId, b.derivationPath, b.state, b.stateChangedAt FROM BuildEntity b "
                + "WHERE b.state IN :states AND b.agentId IS NOT NULL ORDER BY b.sequence", Object[].class)
                .setParameter("states", List.of(BuildState.ALLOCATED.id(), BuildState.STARTED.id()))
                .getResultList().stream()
                .map(row -> new RunningBuild(UUID.fromString(((String) row[0]).trim()),
                        UUID.fromString(((String) row[1]).trim()), (String) row[2], BuildState.fromId((String) row[3]),
                        Instant.ofEpochMilli(((Number) row[4]).longValue())))
                .toList();
    }

    @Override
    public List<Build> buildsOfAgent(UUID agentId, Set<BuildState> states) {
        if (states.isEmpty()) {
            return List.of();
        }
        // Sorted here: a sort in Derby costs more than the query (it looks up messages for its statistics). Rare: a
        // fetch asks the allocator instead.
        List<UUID> ids;
        try {
            ids = BuildRows.idsOfAgent(connection(), indexes, agentId, states);
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the builds of agent " + agentId + ": " + e.getMessage(), e);
        }
        return builds(ids).stream().sorted(Comparator.comparingLong(Build::sequence)).toList();
    }

    @Override
    public List<BuildRef> buildRefsOfDerivations(Collection<String> derivationPaths) {
        return keyed("the builds of derivations", derivationPaths,
                (connection, chunk) -> BuildRows.refsOfDerivations(connection, indexes, chunk));
    }

    @Override
    public List<BuildRef> buildRefsWaitingOn(Collection<String> inputDerivationPaths, Set<BuildState> states) {
        if (states.isEmpty() || inputDerivationPaths.isEmpty()) {
            return List.of();
        }
        // Each success asks for the failed builds waiting on it, and there are seldom any: the counts say so.
        Map<BuildState, Long> counts = buildCounts(BuildQuery.all(1));
        if (states.stream().noneMatch(state -> counts.getOrDefault(state, 0L) > 0)) {
            return List.of();
        }
        // Two steps, each on one indexed column; the set removes the duplicates.
        Set<String> dependents = new HashSet<>(keyed("the dependents of derivations", inputDerivationPaths,
                (connection, chunk) -> DerivationRows.dependents(connection, indexes, chunk)));
        return buildRefsOfDerivations(dependents).stream().filter(build -> states.contains(build.state())).toList();
    }

    @Override
    public Map<String, UUID> buildsProducing(Collection<String> outputPaths) {
        Map<String, UUID> producing = new HashMap<>();
        chunked(outputPaths, chunk -> query(
                "SELECT o.path, b.id FROM BuildEntity b, DerivationEntity d JOIN d.outputs o "
                        + "WHERE b.derivationPath = d.path AND o.path IN :paths", Object[].class)
                .setParameter("paths", chunk).getResultList())
                .forEach(row -> producing.putIfAbsent((String) row[0], UUID.fromString(((String) row[1]).trim())));
        return producing;
    }

    // Derivations

    @Override
    public Optional<DerivationSummary> derivation(String derivationPath) {
        DerivationSummary cached = cache.derivation(derivationPath);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<DerivationSummary> read = Optional.ofNullable(derivations(List.of(derivationPath)).get(derivationPath));
        // A write transaction may read a derivation it inserted and will not commit.
        if (changes == null) {
            read.ifPresent(cache::offer);
        }
        return read;
    }

    @Override
    public Map<String, DerivationSummary> derivations(Collection<String> derivationPaths) {
        Map<String, DerivationSummary> found = new HashMap<>();
        keyed("derivations", derivationPaths,
                (connection, chunk) -> DerivationRows.read(connection, indexes, chunk).values())
                .forEach(derivation -> found.put(derivation.path(), derivation));
        return found;
    }

    @Override
    public Set<String> knownDerivations(Collection<String> derivationPaths) {
        return new HashSet<>(keyed("derivations", derivationPaths,
                (connection, chunk) -> DerivationRows.present(connection, indexes, "derivation", chunk)));
    }

    @Override
    public Map<String, Set<String>> inputDerivations(Collection<String> derivationPaths) {
        Map<String, Set<String>> inputs = new HashMap<>();
        keyed("the inputs of derivations", derivationPaths,
                (connection, chunk) -> DerivationRows.inputs(connection, indexes, chunk).entrySet())
                .forEach(entry -> inputs.put(entry.getKey(), entry.getValue()));
        return inputs;
    }

    // Outputs

    @Override
    public Set<String> heldPaths(Collection<String> storePaths) {
        return new HashSet<>(keyed("stored paths", storePaths,
                (connection, chunk) -> DerivationRows.present(connection, indexes, "stored_path", chunk)));
    }

    @Override
    public Optional<StoredOutput> storedOutput(String storePath) {
        return Optional.ofNullable(manager().find(StoredPathEntity.class, storePath))
                .map(StoredPathEntity::toStoredOutput);
    }

    @Override
    public Optional<StoredOutput> storedOutputByHashPart(String hashPart) {
        return query("SELECT s FROM StoredPathEntity s WHERE s.hashPart = :hash", StoredPathEntity.class)
                .setParameter("hash", hashPart).setMaxResults(1).getResultList().stream()
                .findFirst().map(StoredPathEntity::toStoredOutput);
    }

    @Override
    public List<StoredOutput> storedOutputs(String afterPath, int limit) {
        return query("SELECT s FROM StoredPathEntity s WHERE s.path > :after ORDER BY s.path", StoredPathEntity.class)
                .setParameter("after", afterPath).setMaxResults(limit).getResultList().stream()
                .map(StoredPathEntity::toStoredOutput).toList();
    }

    @Override
    public List<HeldPath> heldPathsForRetention() {
        return jobsetQuery("the held paths", RetentionRows::heldPaths);
    }

    @Override
    public Set<String> outputPathsOf(Collection<String> derivationPaths) {
        return new HashSet<>(keyed("the outputs of derivations", derivationPaths,
                (connection, chunk) -> RetentionRows.outputPaths(connection, indexes, chunk)));
    }

    @Override
    public Set<String> derivationsOfBuildsTagged(String tagKey) {
        return jobsetQuery("tagged builds", connection -> RetentionRows.derivationsTagged(connection, tagKey));
    }

    @Override
    public Set<String> pathsNeededByPendingBuilds() {
        return jobsetQuery("the inputs of pending builds", RetentionRows::neededByPendingBuilds);
    }

    @Override
    public Set<String> heldNarHashes(Collection<String> narHashes) {
        return new HashSet<>(keyed("NAR hashes", narHashes, RetentionRows::heldNarHashes));
    }

    @Override
    public List<OutputMetadata> buildOutputs(UUID buildId) {
        BuildEntity build = manager().find(BuildEntity.class, buildId.toString());
        if (build == null) {
            return List.of();
        }
        List<OutputMetadata> outputs = new ArrayList<>();
        build.outputPaths().forEach((name, path) -> {
            StoredPathEntity stored = manager().find(StoredPathEntity.class, path);
            if (stored != null) {
                outputs.add(stored.toMetadata(name));
            }
        });
        return outputs;
    }

    @Override
    public List<SetupFailure> setupFailures(UUID buildId) {
        return batched(query(
                "SELECT f FROM SetupFailureEntity f WHERE f.buildId = :build ORDER BY f.id", SetupFailureEntity.class),
                "f.missingInputs").setParameter("build", buildId.toString()).getResultList().stream()
                .map(SetupFailureEntity::toSetupFailure).toList();
    }

    @Override
    public List<BuildAttempt> attempts(UUID buildId) {
        try {
            return AttemptRows.read(connection(), buildId);
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the attempts of build " + buildId + ": " + e.getMessage(), e);
        }
    }

    // Agents

    @Override
    public Optional<Agent> agent(UUID agentId) {
        if (changes != null && changes.removedAgents.contains(agentId)) {
            return Optional.empty();
        }
        Agent known = changes == null ? null : changes.agents.get(agentId);
        if (known == null) {
            known = cache.agent(agentId);
        }
        if (known != null) {
            return Optional.of(known);
        }
        return Optional.ofNullable(manager().find(AgentEntity.class, agentId.toString())).map(AgentEntity::toAgent);
    }

    @Override
    public Optional<Agent> agentNamed(String name) {
        return query("SELECT a FROM AgentEntity a WHERE a.name = :name", AgentEntity.class)
                .setParameter("name", name).getResultList().stream().findFirst().map(AgentEntity::toAgent);
    }

    @Override
    public List<Agent> agents() {
        return batched(query("SELECT a FROM AgentEntity a ORDER BY a.name, a.id", AgentEntity.class),
                "a.systems", "a.tags").getResultList().stream().map(AgentEntity::toAgent).toList();
    }

    @Override
    public Optional<String> agentPasswordHash(UUID agentId) {
        return Optional.ofNullable(manager().find(AgentPasswordEntity.class, agentId.toString()))
                .map(AgentPasswordEntity::passwordHash);
    }

    @Override
    public List<UUID> agentsSilentSince(Instant cutoff) {
        return query("SELECT DISTINCT a.id FROM AgentEntity a, BuildEntity b WHERE b.agentId = a.id "
                + "AND b.state IN :states AND (a.lastSeen IS NULL OR a.lastSeen < :cutoff)", String.class)
                .setParameter("states", List.of(BuildState.ALLOCATED.id(), BuildState.STARTED.id()))
                .setParameter("cutoff", cutoff.toEpochMilli())
                .getResultList().stream().map(id -> UUID.fromString(id.trim())).toList();
    }

    // The allocator's state

    @Override
    public List<PendingBuild> pendingBuilds() {
        Map<String, Set<Tag>> requiredTags = new HashMap<>();
        query("SELECT b.id, t.key, t.value FROM BuildEntity b JOIN b.requiredTags t "
                + "WHERE b.state IN :states", Object[].class).setParameter("states", PENDING).getResultList()
                .forEach(row -> requiredTags.computeIfAbsent((String) row[0], k -> new HashSet<>())
                        .add(new Tag((String) row[1], (String) row[2])));
        Map<String, Set<Tag>> groupTags = new HashMap<>();
        query("SELECT b.id, t.key, t.value FROM BuildEntity b JOIN b.tags t "
                + "WHERE b.state IN :states AND t.key IN :keys", Object[].class).setParameter("states", PENDING)
                .setParameter("keys", List.of(PendingBuild.JOBSET_TAG, PendingBuild.SHARE_TAG)).getResultList()
                .forEach(row -> groupTags.computeIfAbsent((String) row[0], k -> new HashSet<>())
                        .add(new Tag((String) row[1], (String) row[2])));
        Map<String, Set<String>> inputs = new HashMap<>();
        query("SELECT DISTINCT d.path, i.derivationPath FROM DerivationEntity d JOIN d.inputs i "
                + "WHERE d.path IN (SELECT b.derivationPath FROM BuildEntity b WHERE b.state IN :states)",
                Object[].class).setParameter("states", PENDING).getResultList()
                .forEach(row -> inputs.computeIfAbsent((String) row[0], k -> new HashSet<>()).add((String) row[1]));
        return query("SELECT b.id, b.sequence, b.derivationPath, b.system, b.priority, b.state, "
                + "b.agentId, b.deferUntil, b.requiredFeatures, b.startedAt FROM BuildEntity b "
                + "WHERE b.state IN :states "
                + "ORDER BY b.sequence",
                Object[].class).setParameter("states", PENDING).getResultList().stream()
                .map(row -> new PendingBuild(UUID.fromString(((String) row[0]).trim()), ((Number) row[1]).longValue(),
                        (String) row[2], (String) row[3], ((Number) row[4]).intValue(),
                        requiredTags.getOrDefault((String) row[0], Set.of()),
                        inputs.getOrDefault((String) row[2], Set.of()), BuildState.fromId((String) row[5]),
                        row[6] == null ? null : UUID.fromString(((String) row[6]).trim()),
                        row[7] == null ? null : Instant.ofEpochMilli(((Number) row[7]).longValue()),
                        BuildEntity.features((String) row[8]),
                        PendingBuild.shareGroupOf(groupTags.getOrDefault((String) row[0], Set.of())),
                        row[9] == null || BuildState.fromId((String) row[5]) != BuildState.STARTED ? null
                                : Instant.ofEpochMilli(((Number) row[9]).longValue())))
                .toList();
    }

    @Override
    public List<BuildTime> buildTimesSince(Instant since) {
        Map<String, Set<Tag>> groupTags = new HashMap<>();
        query("SELECT b.id, t.key, t.value FROM BuildEntity b JOIN b.tags t "
                + "WHERE b.finishedAt >= :since AND b.startedAt IS NOT NULL AND t.key IN :keys", Object[].class)
                .setParameter("since", since.toEpochMilli())
                .setParameter("keys", List.of(PendingBuild.JOBSET_TAG, PendingBuild.SHARE_TAG)).getResultList()
                .forEach(row -> groupTags.computeIfAbsent((String) row[0], k -> new HashSet<>())
                        .add(new Tag((String) row[1], (String) row[2])));
        return query("SELECT b.id, b.startedAt, b.finishedAt FROM BuildEntity b "
                + "WHERE b.finishedAt >= :since AND b.startedAt IS NOT NULL ORDER BY b.finishedAt", Object[].class)
                .setParameter("since", since.toEpochMilli()).getResultList().stream()
                .map(row -> new BuildTime(PendingBuild.shareGroupOf(groupTags.getOrDefault((String) row[0], Set.of())),
                        Instant.ofEpochMilli(((Number) row[1]).longValue()),
                        Instant.ofEpochMilli(((Number) row[2]).longValue())))
                .toList();
    }

    // Events

    @Override
    public List<Event> eventsAfter(long afterId, int limit) {
        if (changes == null) {
            // A reader: the latest events are kept in memory once committed.
            List<Event> recent = cache.eventsAfter(afterId, limit);
            if (recent != null) {
                return recent;
            }
        }
        writeEvents();
        return query("SELECT e FROM EventEntity e WHERE e.id > :after ORDER BY e.id", EventEntity.class)
                .setParameter("after", afterId).setMaxResults(limit).getResultList().stream()
                .map(EventEntity::toEvent).toList();
    }

    @Override
    public long latestEventId() {
        long committed = counters.latestCommittedEventId();
        return changes == null ? committed : Math.max(committed, changes.latestEventId);
    }

    @Override
    public Map<String, Long> eventCursors(String prefix) {
        Map<String, Long> cursors = new TreeMap<>();
        query("SELECT c FROM EventCursorEntity c WHERE c.reader LIKE :prefix ESCAPE '!'", EventCursorEntity.class)
                .setParameter("prefix", prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%")
                .getResultList().forEach(cursor -> cursors.put(cursor.reader(), cursor.eventId()));
        return cursors;
    }

    // Jobsets

    @Override
    public List<StoredJobset> jobsets() {
        return jobsetQuery("the jobsets", JobsetRows::jobsets);
    }

    @Override
    public Optional<StoredEvaluation> evaluation(long evaluationId) {
        return jobsetQuery("evaluation " + evaluationId, connection -> JobsetRows.evaluation(connection, evaluationId));
    }

    @Override
    public List<StoredEvaluation> evaluationsOfJobset(String jobset, int limit) {
        return jobsetQuery("the evaluations of jobset " + jobset,
                connection -> JobsetRows.evaluationsOfJobset(connection, jobset, limit));
    }

    @Override
    public Map<String, StoredEvaluation> latestEvaluations() {
        return jobsetQuery("the latest evaluations", JobsetRows::latestEvaluations);
    }

    @Override
    public long latestEvaluationId() {
        return jobsetQuery("the latest evaluation", JobsetRows::latestEvaluationId);
    }

    @Override
    public List<EvaluationBuild> evaluationBuilds(long evaluationId) {
        return jobsetQuery("the builds of evaluation " + evaluationId,
                connection -> JobsetRows.evaluationBuilds(connection, evaluationId));
    }

    @Override
    public List<Long> evaluationsWithBuild(UUID buildId) {
        return jobsetQuery("the evaluations of build " + buildId,
                connection -> JobsetRows.evaluationsWithBuild(connection, buildId));
    }

    @Override
    public void saveJobset(StoredJobset jobset) {
        jobsetWrite("jobset " + jobset.name(), connection -> JobsetRows.saveJobset(connection, jobset));
    }

    @Override
    public boolean deleteJobset(String name) {
        requireWritable();
        return jobsetQuery("jobset " + name, connection -> JobsetRows.deleteJobset(connection, name));
    }

    @Override
    public void saveEvaluation(StoredEvaluation evaluation) {
        jobsetWrite("evaluation " + evaluation.id(), connection -> JobsetRows.saveEvaluation(connection, evaluation));
    }

    @Override
    public void insertEvaluationBuilds(long evaluationId, List<EvaluationBuild> builds) {
        jobsetWrite("the builds of evaluation " + evaluationId,
                connection -> JobsetRows.insertEvaluationBuilds(connection, evaluationId, builds));
    }

    /** A plain query of the jobsets' tables, which no entity maps, on this transaction's connection. */
    private interface JobsetQuery<R> {
        R run(Connection connection) throws SQLException;
    }

    /** A plain write of the jobsets' tables. */
    private interface JobsetWrite {
        void run(Connection connection) throws SQLException;
    }

    private void jobsetWrite(String what, JobsetWrite write) {
        requireWritable();
        jobsetQuery(what, connection -> {
            write.run(connection);
            return null;
        });
    }

    private <R> R jobsetQuery(String what, JobsetQuery<R> query) {
        try {
            return query.run(connection());
        } catch (SQLException e) {
            throw new PersistenceException("cannot access " + what + ": " + e.getMessage(), e);
        }
    }

    // Writes

    @Override
    public void insertDerivations(Collection<DerivationSummary> derivations) {
        requireWritable();
        Map<String, DerivationSummary> byPath = new LinkedHashMap<>();
        derivations.forEach(derivation -> byPath.putIfAbsent(derivation.path(), derivation));
        byPath.keySet().removeAll(knownDerivations(byPath.keySet()));
        if (byPath.isEmpty()) {
            return;
        }
        flush();
        // Derivations never change once stored, and a submission brings thousands with their child rows: they go
        // in as JDBC batches on the transaction's connection, several times faster than through the entities.
        long now = System.currentTimeMillis();
        Connection connection = connection();
        try (PreparedStatement derivation = connection.prepareStatement(
                "INSERT INTO derivation (path, system_name, aterm, created_at) VALUES (?, ?, ?, ?)");
                PreparedStatement output = connection.prepareStatement(
                        "INSERT INTO derivation_output (drv_path, output_name, path) VALUES (?, ?, ?)");
                PreparedStatement input = connection.prepareStatement(
                        "INSERT INTO derivation_input (drv_path, input_drv_path, output_name) VALUES (?, ?, ?)");
                PreparedStatement source = connection.prepareStatement(
                        "INSERT INTO derivation_source (drv_path, path) VALUES (?, ?)")) {
            int rows = 0;
            for (DerivationSummary summary : byPath.values()) {
                derivation.setString(1, summary.path());
                derivation.setString(2, summary.system());
                derivation.setString(3, summary.aterm());
                derivation.setLong(4, now);
                derivation.addBatch();
                for (Map.Entry<String, String> out : summary.outputs().entrySet()) {
                    output.setString(1, summary.path());
                    output.setString(2, out.getKey());
                    output.setString(3, out.getValue());
                    output.addBatch();
                }
                for (Map.Entry<String, Set<String>> in : summary.inputDerivations().entrySet()) {
                    for (String name : in.getValue()) {
                        input.setString(1, summary.path());
                        input.setString(2, in.getKey());
                        input.setString(3, name);
                        input.addBatch();
                    }
                }
                for (String path : summary.inputSources()) {
                    source.setString(1, summary.path());
                    source.setString(2, path);
                    source.addBatch();
                }
                if (++rows % 1_000 == 0) {
                    executeBatches(derivation, output, input, source);
                }
            }
            executeBatches(derivation, output, input, source);
        } catch (SQLException e) {
            throw new PersistenceException("cannot store " + byPath.size() + " derivations: " + e.getMessage(), e);
        }
        changes.derivations.addAll(byPath.values());
    }

    private static void executeBatches(PreparedStatement... statements) throws SQLException {
        for (PreparedStatement statement : statements) {
            statement.executeBatch();
        }
    }

    @Override
    public long nextBuildSequence() {
        requireWritable();
        return counters.nextBuildSequence();
    }

    @Override
    public void insertBuild(Build build) {
        requireWritable();
        unwrittenBuilds.add(build);
        changes.stateChanged(null, build.state());
        changes.inserted(build);
    }

    @Override
    public void updateBuild(Build build) {
        requireWritable();
        Build stored = build(build.id())
                .orElseThrow(() -> new IllegalStateException("no build " + build.id() + " to update"));
        try {
            BuildRows.update(writeConnection(), stored, build);
        } catch (SQLException e) {
            throw new PersistenceException("cannot update build " + build.id() + ": " + e.getMessage(), e);
        }
        changes.stateChanged(stored.state(), build.state());
        changes.wrote(build);
    }

    @Override
    public void updateBuildTags(UUID buildId, Set<Tag> tags) {
        requireWritable();
        writeConnection();
        BuildEntity entity = manager().find(BuildEntity.class, buildId.toString());
        if (entity == null) {
            throw new IllegalStateException("no build " + buildId + " to tag");
        }
        entity.replaceTags(tags);
        unflushed = true;
        changes.changedInDatabase(buildId);
    }

    @Override
    public void insertBuildOutputs(UUID buildId, String derivationPath, List<OutputMetadata> outputs, Instant at) {
        requireWritable();
        if (build(buildId).isEmpty()) {
            throw new IllegalStateException("no build " + buildId + " to record outputs of");
        }
        try {
            BuildRows.insertOutputs(writeConnection(), buildId, derivationPath, outputs, at);
        } catch (SQLException e) {
            throw new PersistenceException("cannot record the outputs of build " + buildId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteHeldPaths(Collection<String> storePaths) {
        requireWritable();
        Connection connection = writeConnection();
        chunked(storePaths, chunk -> {
            try {
                RetentionRows.deleteHeldPaths(connection, chunk);
            } catch (SQLException e) {
                throw new PersistenceException("cannot delete held paths: " + e.getMessage(), e);
            }
            return List.of();
        });
    }

    @Override
    public void recordServed(Map<String, Instant> byHashPart) {
        requireWritable();
        if (byHashPart.isEmpty()) {
            return;
        }
        try {
            RetentionRows.recordServed(writeConnection(), byHashPart);
        } catch (SQLException e) {
            throw new PersistenceException("cannot record serving times: " + e.getMessage(), e);
        }
    }

    @Override
    public int deleteEventsBefore(Instant cutoff) {
        requireWritable();
        try {
            return RetentionRows.deleteEventsBefore(writeConnection(), cutoff);
        } catch (SQLException e) {
            throw new PersistenceException("cannot delete old events: " + e.getMessage(), e);
        }
    }

    @Override
    public void insertSetupFailure(SetupFailure failure) {
        requireWritable();
        manager().persist(SetupFailureEntity.from(counters.nextSetupFailureId(), failure));
        unflushed = true;
    }

    @Override
    public void saveAttempt(BuildAttempt attempt) {
        requireWritable();
        try {
            AttemptRows.save(writeConnection(), attempt);
        } catch (SQLException e) {
            throw new PersistenceException("cannot record attempt " + attempt.number() + " of build "
                    + attempt.buildId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Event appendEvent(EventType type, Instant time, UUID buildId, UUID agentId, Map<String, String> data) {
        requireWritable();
        Event event = new Event(counters.nextEventId(), type, time, buildId, agentId, data);
        appended.add(event);
        unwritten.add(event);
        changes.events.add(event);
        changes.latestEventId = event.id();
        return event;
    }

    @Override
    public void saveEventCursors(Map<String, Long> positions) {
        requireWritable();
        long now = System.currentTimeMillis();
        Connection connection = writeConnection();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE event_cursor SET event_id = ?, updated_at = ? WHERE reader = ?");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO event_cursor (reader, event_id, updated_at) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, Long> position : new TreeMap<>(positions).entrySet()) {
                update.setLong(1, position.getValue());
                update.setLong(2, now);
                update.setString(3, position.getKey());
                if (update.executeUpdate() == 0) {
                    insert.setString(1, position.getKey());
                    insert.setLong(2, position.getValue());
                    insert.setLong(3, now);
                    insert.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("cannot save " + positions.size() + " event cursors: " + e.getMessage(), e);
        }
    }

    @Override
    public void insertAgent(Agent agent, String passwordHash) {
        requireWritable();
        manager().persist(AgentEntity.from(agent));
        // The password row refers to the agent row; see insertDerivations.
        unflushed = true;
        flush();
        manager().persist(new AgentPasswordEntity(agent.id().toString(), passwordHash, agent.createdAt().toEpochMilli()));
        unflushed = true;
        changes.agents.put(agent.id(), agent);
    }

    @Override
    public void updateAgent(Agent agent) {
        requireWritable();
        Agent stored = agent(agent.id())
                .orElseThrow(() -> new IllegalStateException("no agent " + agent.id() + " to update"));
        if (stored.equals(agent.withLastSeen(stored.lastSeen()))) {
            // Agents are seen every second: that alone is one update of one column.
            try {
                BuildRows.updateLastSeen(writeConnection(), agent);
            } catch (SQLException e) {
                throw new PersistenceException("cannot update agent " + agent.id() + ": " + e.getMessage(), e);
            }
        } else {
            writeConnection();
            manager().find(AgentEntity.class, agent.id().toString()).apply(agent);
            unflushed = true;
        }
        changes.agents.put(agent.id(), new Agent(agent.id(), agent.name(), agent.description(), agent.systems(),
                agent.tags(), agent.active(), stored.createdAt(), agent.lastSeen()));
    }

    @Override
    public void updateAgentPasswordHash(UUID agentId, String passwordHash) {
        requireWritable();
        AgentPasswordEntity entity = manager().find(AgentPasswordEntity.class, agentId.toString());
        if (entity == null) {
            throw new IllegalStateException("no password of agent " + agentId);
        }
        entity.replace(passwordHash, System.currentTimeMillis());
        unflushed = true;
    }

    @Override
    public void deleteAgent(UUID agentId) {
        requireWritable();
        try {
            BuildRows.deleteAgent(writeConnection(), agentId);
        } catch (SQLException e) {
            throw new PersistenceException("cannot delete agent " + agentId + ": " + e.getMessage(), e);
        }
        changes.agents.remove(agentId);
        changes.removedAgents.add(agentId);
    }

    @Override
    public void afterCommit(Runnable action) {
        requireWritable();
        afterCommit.add(action);
    }

    /**
     * A query that sees the writes made so far. Changes are flushed before a query and the persistence context is
     * cleared: EclipseLink compares every managed entity with its copy at each flush, so a context that keeps growing
     * makes a large transaction (a submission of thousands of builds) quadratic.
     */
    private <T> TypedQuery<T> query(String jpql, Class<T> type) {
        flush();
        return manager().createQuery(jpql, type);
    }

    private void flush() {
        if (!unwrittenBuilds.isEmpty()) {
            try {
                BuildRows.insert(manager.unwrap(Connection.class), unwrittenBuilds);
            } catch (SQLException e) {
                throw new PersistenceException("cannot insert " + unwrittenBuilds.size() + " builds: "
                        + e.getMessage(), e);
            }
            unwrittenBuilds.clear();
        }
        if (unflushed) {
            manager.flush();
            manager.clear();
            unflushed = false;
        }
    }

    /**
     * Reads the element collections of the query's results in a few queries instead of one per entity, in read
     * transactions only: EclipseLink 5.0 fails to compute the changes of entities whose element collections of
     * embeddables were batch-read in a write transaction.
     */
    private <T> TypedQuery<T> batched(TypedQuery<T> query, String... attributes) {
        if (changes == null) {
            query.setHint(QueryHints.BATCH_TYPE, BatchFetchType.IN);
            for (String attribute : attributes) {
                query.setHint(QueryHints.BATCH, attribute);
            }
        }
        return query;
    }

    private void requireWritable() {
        if (changes == null) {
            throw new IllegalStateException("a read transaction cannot write");
        }
    }

    /** A query in plain JDBC of rows by key, on this transaction's connection. */
    private interface KeyedQuery<R> {
        Collection<R> read(Connection connection, List<String> keys) throws SQLException;
    }

    /** Runs a plain query on the keys, in chunks of at most {@link #CHUNK} without duplicates. */
    private <R> List<R> keyed(String what, Collection<String> keys, KeyedQuery<R> query) {
        Connection connection = keys.isEmpty() ? null : connection();
        return chunked(keys, chunk -> {
            try {
                return List.copyOf(query.read(connection, chunk));
            } catch (SQLException e) {
                throw new PersistenceException("cannot read " + what + ": " + e.getMessage(), e);
            }
        });
    }

    private static <K, R> List<R> chunked(Collection<K> keys, Function<List<K>, List<R>> query) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<K> all = List.copyOf(new LinkedHashSet<>(keys));
        List<R> results = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            results.addAll(query.apply(all.subList(from, Math.min(all.size(), from + CHUNK))));
        }
        return results;
    }
}
