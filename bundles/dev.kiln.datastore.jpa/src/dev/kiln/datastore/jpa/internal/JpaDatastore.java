package dev.kiln.datastore.jpa.internal;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.eclipse.persistence.config.PersistenceUnitProperties;
import org.eclipse.persistence.exceptions.EclipseLinkException;
import org.eclipse.persistence.jpa.PersistenceProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;

import dev.kiln.api.BuildState;
import dev.kiln.api.DatastoreUnavailableException;
import dev.kiln.api.EventListener;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreReader;
import dev.kiln.api.datastore.DatastoreTransaction;

/**
 * The datastore on EclipseLink JPA, over embedded Derby or PostgreSQL. At start it brings the schema to the
 * latest version, then serves reads concurrently and writes one at a time (see {@link Datastore}).
 *
 * <p>Writes are committed in groups: a commit syncs the log, and costs more than most works. A writer queues its work,
 * and whichever writer holds the writer lock runs the works waiting in the queue, in order, in one transaction
 * (up to {@link #GROUP_LIMIT}), commits once, and only then answers each of them. If one work of a group fails,
 * the group is rolled back and each of its works runs again in a transaction of its own, so that only the caller
 * of the failing work sees its exception.
 */
@Component(service = Datastore.class, configurationPid = DatastoreConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DatastoreConfiguration.class)
public final class JpaDatastore implements Datastore {

    private static final Logger LOG = LoggerFactory.getLogger(JpaDatastore.class);

    /** The most works committed in one transaction: bounds the time a transaction holds its locks. */
    static final int GROUP_LIMIT = 64;
    /** The least time between two boots of Derby after it refused writes. */
    private static final long REBOOT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How deep the causes of a failure are searched for the database's refusal. */
    private static final int MAX_CAUSES = 20;

    private final DatastoreOptions options;
    private final Dialect dialect;
    private final Driver driver;
    private final ConnectionPool pool;
    private final int schemaVersion;
    private final EntityManagerFactory factory;
    private final EventNotifier notifier = new EventNotifier();
    private final ReentrantLock writer = new ReentrantLock();
    /** Works waiting to be committed, in the order they came. */
    private final Queue<QueuedWrite<?>> queued = new ConcurrentLinkedQueue<>();

    /** Guarded by {@link #writer}. */
    private final Counters counters;
    private final KeyIndexes indexes;
    private final RecordCache cache = new RecordCache();
    private volatile boolean closed;
    /** When Derby was last booted again after refusing writes; guarded by {@link #writer}. */
    private long rebootedAt;

    @Activate
    public JpaDatastore(DatastoreConfiguration configuration) {
        this(DatastoreOptions.from(configuration), Migrations.LATEST);
    }

    /** Opens the database outside OSGi (benchmarks, tools), migrating it to the latest schema. */
    public static JpaDatastore open(DatastoreOptions options) {
        return new JpaDatastore(options, Migrations.LATEST);
    }

    private JpaDatastore(DatastoreOptions options, int schemaTarget) {
        this.options = options;
        this.dialect = Dialect.of(options.jdbcUrl());
        this.driver = loadDriver(dialect);
        this.pool = new ConnectionPool(driver, options);
        try (Connection connection = pool.open()) {
            this.schemaVersion = Migrations.migrate(connection, dialect, schemaTarget);
            this.counters = new Counters(
                    max(connection, "SELECT MAX(seq) FROM build"),
                    max(connection, "SELECT MAX(id) FROM event"),
                    max(connection, "SELECT MAX(id) FROM setup_failure"));
            counters.countBuilds(buildsByState(connection));
            cache.eventsFrom(counters.latestCommittedEventId());
            this.indexes = KeyIndexes.of(connection, dialect);
        } catch (SQLException e) {
            pool.close();
            shutDownEmbedded();
            notifier.stop();
            throw new IllegalStateException("cannot open the " + dialect.kind() + " database at "
                    + options.jdbcUrl() + ": " + e.getMessage(), e);
        }
        this.factory = new PersistenceProvider().createContainerEntityManagerFactory(
                new KilnPersistenceUnit(pool.dataSource()), properties(dialect));
        LOG.info("Datastore open: {} at schema version {}", dialect.kind(), schemaVersion);
    }

    @Deactivate
    public void close() {
        closed = true;
        try {
            // Last in the queue: the writes queued before it are committed when it is.
            write(tx -> null);
        } catch (RuntimeException e) {
            LOG.warn("The writes queued when the datastore closed may be lost: {}", e.getMessage());
        }
        notifier.stop();
        factory.close();
        pool.close();
        shutDownEmbedded();
    }

    @Override
    public <T> T write(Function<DatastoreTransaction, T> work) {
        if (writer.isHeldByCurrentThread()) {
            throw new IllegalStateException("a write transaction is already open on this thread");
        }
        QueuedWrite<T> mine = new QueuedWrite<>(work);
        mine.caller = Thread.currentThread();
        queued.add(mine);
        awaitCommit(mine);
        return mine.outcome();
    }

    /** Queues the work at once, and leaves the wait for its commit to a virtual thread of its own. */
    @Override
    public <T> CompletionStage<T> writeLater(Function<DatastoreTransaction, T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the datastore is closed"));
        }
        CompletableFuture<T> committed = new CompletableFuture<>();
        QueuedWrite<T> mine = new QueuedWrite<>(work);
        mine.caller = Thread.ofVirtual().name("kiln-write-later").unstarted(() -> {
            awaitCommit(mine);
            try {
                committed.complete(mine.outcome());
            } catch (RuntimeException | Error e) {
                committed.completeExceptionally(e);
            }
        });
        queued.add(mine);
        mine.caller.start();
        return committed;
    }

    /**
     * Waits until {@code mine}, queued, is committed or failed: leads the groups while the writer lock is free,
     * else waits to be woken by the leader.
     */
    private void awaitCommit(QueuedWrite<?> mine) {
        // Parking returns at once while the thread is interrupted: the flag is kept aside until the work is done.
        boolean interrupted = false;
        while (!mine.done) {
            if (writer.tryLock()) {
                try {
                    while (!mine.done) {
                        commitGroup(nextGroup());
                    }
                } finally {
                    writer.unlock();
                }
                // Whoever waits first may have queued after the group was taken: it leads the next one.
                QueuedWrite<?> next = queued.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
                }
            } else {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many works wait to be committed; for tests. */
    int queuedWrites() {
        return queued.size();
    }

    private List<QueuedWrite<?>> nextGroup() {
        List<QueuedWrite<?>> group = new ArrayList<>();
        QueuedWrite<?> write;
        while (group.size() < GROUP_LIMIT && (write = queued.poll()) != null) {
            group.add(write);
        }
        return group;
    }

    /** Commits the works of the group in one transaction, or, if one fails, each in its own. */
    private void commitGroup(List<QueuedWrite<?>> group) {
        if (group.size() > 1) {
            Committed committed = null;
            try {
                committed = commit(group);
            } catch (RuntimeException | Error e) {
                LOG.debug("A group of {} writes failed; committing each alone", group.size(), e);
            }
            if (committed != null) {
                tell(committed);
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).succeeded(committed.results().get(i));
                }
                return;
            }
        }
        for (QueuedWrite<?> write : group) {
            Committed committed;
            try {
                committed = commit(List.of(write));
            } catch (RuntimeException e) {
                rebootIfDerbyRefusesWrites(e);
                write.failed(unavailableOr(e));
                continue;
            } catch (Error e) {
                write.failed(e);
                continue;
            }
            tell(committed);
            write.succeeded(committed.results().get(0));
        }
    }

    /** Runs the works in one transaction and commits it; rolls it back if one of them throws, and rethrows. */
    private Committed commit(List<QueuedWrite<?>> works) {
        EntityManager manager = factory.createEntityManager();
        EntityTransaction transaction = manager.getTransaction();
        try {
            transaction.begin();
            RecordCache.Changes changes = new RecordCache.Changes();
            List<JpaTransaction> parts = new ArrayList<>(works.size());
            List<Object> results = new ArrayList<>(works.size());
            for (QueuedWrite<?> write : works) {
                if (!parts.isEmpty()) {
                    // The next work reads what the previous ones wrote.
                    parts.get(parts.size() - 1).flushWrites();
                }
                JpaTransaction tx = new JpaTransaction(manager, counters, indexes, cache, changes);
                results.add(write.work.apply(tx));
                parts.add(tx);
            }
            parts.get(parts.size() - 1).flushWrites();
            // The cache takes the changes before the database commits them (see RecordCache), and lets them go if
            // the commit fails.
            cache.committing(changes);
            try {
                transaction.commit();
            } catch (RuntimeException | Error e) {
                cache.forget(changes);
                throw e;
            }
            counters.buildsChanged(changes.buildsByState);
            counters.eventsCommitted(changes.latestEventId);
            return new Committed(parts, results);
        } finally {
            if (transaction.isActive()) {
                transaction.rollback();
            }
            manager.close();
        }
    }

    /** Tells listeners of the committed events, then runs the actions after the commit, in the order of the works. */
    private void tell(Committed committed) {
        for (JpaTransaction tx : committed.parts()) {
            notifier.published(tx.appendedEvents());
        }
        for (JpaTransaction tx : committed.parts()) {
            for (Runnable action : tx.afterCommitActions()) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.error("An action after a commit failed", e);
                }
            }
        }
    }

    /** The works of a committed transaction, and what they returned. */
    private record Committed(List<JpaTransaction> parts, List<Object> results) {
    }

    @Override
    public <T> T read(Function<DatastoreReader, T> work) {
        JpaTransaction reader = new JpaTransaction(factory, pool, counters, indexes, cache);
        try {
            return work.apply(reader);
        } catch (RuntimeException e) {
            throw unavailableOr(e);
        } finally {
            reader.closeReader();
        }
    }

    @Override
    public EventSubscription subscribe(EventListener listener) {
        return notifier.subscribe(listener);
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public String databaseKind() {
        return dialect.kind();
    }

    private static Map<String, Object> properties(Dialect dialect) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(PersistenceUnitProperties.CLASSLOADER, JpaDatastore.class.getClassLoader());
        properties.put(PersistenceUnitProperties.WEAVING, "false");
        properties.put(PersistenceUnitProperties.DDL_GENERATION, PersistenceUnitProperties.NONE);
        properties.put(PersistenceUnitProperties.TARGET_DATABASE, dialect.eclipseLinkPlatform());
        properties.put(PersistenceUnitProperties.CACHE_SHARED_DEFAULT, "false");
        properties.put(PersistenceUnitProperties.BATCH_WRITING, "JDBC");
        properties.put(PersistenceUnitProperties.BATCH_WRITING_SIZE, "500");
        properties.put(PersistenceUnitProperties.LOGGING_LOGGER, Slf4jSessionLog.class.getName());
        properties.put(PersistenceUnitProperties.LOGGING_LEVEL, "WARNING");
        properties.put(PersistenceUnitProperties.SESSION_NAME, "kiln-" + System.identityHashCode(properties));
        return properties;
    }

    static Driver loadDriver(Dialect dialect) {
        if (dialect == Dialect.DERBY) {
            DerbyLog.install();
            DerbyPageCache.install();
        }
        try {
            Class<?> type = Class.forName(dialect.driverClass(), true, JpaDatastore.class.getClassLoader());
            return (Driver) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the " + dialect.kind() + " JDBC driver " + dialect.driverClass()
                    + " is not available", e);
        }
    }

    private static long max(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Map<BuildState, Long> buildsByState(Connection connection) throws SQLException {
        Map<BuildState, Long> counts = new EnumMap<>(BuildState.class);
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT state, COUNT(*) FROM build GROUP BY state")) {
            while (rows.next()) {
                counts.put(BuildState.fromId(rows.getString(1)), rows.getLong(2));
            }
        }
        return counts;
    }

    /**
     * After an I/O error on its files (a full disk), Derby refuses every write, even once there is room again, until the
     * database is booted again: shuts it down, so that the next connection boots it and recovers from its log. At most
     * once every {@link #REBOOT_INTERVAL_NANOS}, and logged once for a run of failures. Called with the writer lock.
     */
    private void rebootIfDerbyRefusesWrites(Throwable failure) {
        if (dialect != Dialect.DERBY || closed) {
            return;
        }
        Optional<SQLException> refusal = derbyRefusal(failure);
        long now = System.nanoTime();
        if (refusal.isEmpty() || (rebootedAt != 0 && now - rebootedAt < REBOOT_INTERVAL_NANOS)) {
            return;
        }
        if (rebootedAt == 0 || now - rebootedAt > 2 * REBOOT_INTERVAL_NANOS) {
            LOG.warn("Derby refuses writes after an I/O error ({} {}): booting the database again, every {} s while"
                    + " this lasts", refusal.get().getSQLState(), refusal.get().getMessage(),
                    TimeUnit.NANOSECONDS.toSeconds(REBOOT_INTERVAL_NANOS));
        }
        rebootedAt = now;
        shutDownEmbedded();
    }

    /**
     * A failure because the database cannot be reached or takes no writes (PostgreSQL restarting or gone, no free
     * connection while it is, Derby read-only or without its files) as a {@link DatastoreUnavailableException}, so that
     * front ends answer "try again later" instead of reporting a bug; any other failure as it is. A failure the JDBC
     * driver or the pool does not classify (a connection closed under the statement) counts as unavailable when a new
     * connection to the database cannot be opened either.
     */
    private RuntimeException unavailableOr(RuntimeException failure) {
        if (failure instanceof DatastoreUnavailableException) {
            return failure;
        }
        SQLException unclassified = null;
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof ConnectException
                    || cause instanceof SQLException sql && unavailable(sql.getSQLState())) {
                return new DatastoreUnavailableException("the datastore is unavailable: " + cause.getMessage(),
                        failure);
            }
            if (cause instanceof SQLException sql && unclassified == null) {
                unclassified = sql;
            }
            cause = cause.getCause() == null && cause instanceof EclipseLinkException eclipseLink
                    ? eclipseLink.getInternalException() : cause.getCause();
        }
        if (unclassified != null) {
            Optional<String> unreachable = pool.unreachable();
            if (unreachable.isPresent()) {
                return new DatastoreUnavailableException("the datastore is unavailable: " + unclassified.getMessage()
                        + "; " + unreachable.get(), failure);
            }
        }
        return failure;
    }

    /**
     * Whether an SQLState says the database is out of reach or refuses writes: a connection exception (class 08),
     * PostgreSQL shutting down or starting (57P01-57P03), read-only (25006) or out of connections (53300), or a Derby
     * refusal after an I/O error.
     */
    private static boolean unavailable(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("25006") || state.equals("53300") || derbyRefuses(state));
    }

    /** The SQLException in the causes by which Derby says it is read-only or cannot use its files, if any. */
    private static Optional<SQLException> derbyRefusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && derbyRefuses(sql.getSQLState())) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    private static boolean derbyRefuses(String state) {
        return state.equals("25502") || state.startsWith("XSLA") || state.startsWith("XSDG") || state.startsWith("XSDF")
                || state.equals("40XD0") || state.equals("40XD1");
    }

    /** Closes an embedded Derby database, so that its files are consistent and can be opened again. */
    private void shutDownEmbedded() {
        if (dialect != Dialect.DERBY) {
            return;
        }
        String url = options.jdbcUrl();
        int parameters = url.indexOf(';');
        String shutdown = (parameters < 0 ? url : url.substring(0, parameters)) + ";shutdown=true";
        try {
            Connection unexpected = driver.connect(shutdown, new Properties());
            if (unexpected != null) {
                unexpected.close();
            }
            LOG.warn("Derby did not confirm the shutdown of {}", url);
        } catch (SQLException e) {
            if (!"08006".equals(e.getSQLState()) && !"XJ004".equals(e.getSQLState())) {
                LOG.warn("Could not shut down the Derby database {}", url, e);
            }
        }
    }

    /** A caller's work, waiting to be committed, and then its outcome. */
    private static final class QueuedWrite<T> {
        final Function<DatastoreTransaction, T> work;
        /** The thread that waits for the commit, woken when it is done or when it is to lead the next group. */
        volatile Thread caller;
        private T result;
        private Throwable failure;
        /** Set last, after the outcome: the caller reads the outcome once it sees it. */
        volatile boolean done;

        QueuedWrite(Function<DatastoreTransaction, T> work) {
            this.work = work;
        }

        @SuppressWarnings("unchecked")
        void succeeded(Object value) {
            result = (T) value;
            finish();
        }

        void failed(Throwable e) {
            failure = e;
            finish();
        }

        private void finish() {
            done = true;
            LockSupport.unpark(caller);
        }

        T outcome() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return result;
        }
    }

    /**
     * The numbers the datastore assigns itself, instead of the database, so that inserts can be batched; and the
     * committed builds by state, kept as transactions commit, so that the farm's overview does not count a million
     * rows each time.
     */
    static final class Counters {
        private long buildSequence;
        private long eventId;
        /** The greatest id of a committed event; replaced by the writer, read by any thread. */
        private volatile long latestCommittedEventId;
        private long setupFailureId;
        /** Replaced, never changed, by the writer; read by any thread. */
        private volatile Map<BuildState, Long> buildsByState = Map.of();

        Counters(long buildSequence, long eventId, long setupFailureId) {
            this.buildSequence = buildSequence;
            this.eventId = eventId;
            this.latestCommittedEventId = eventId;
            this.setupFailureId = setupFailureId;
        }

        long nextBuildSequence() {
            return ++buildSequence;
        }

        long nextEventId() {
            return ++eventId;
        }

        long nextSetupFailureId() {
            return ++setupFailureId;
        }

        void eventsCommitted(long latest) {
            if (latest > latestCommittedEventId) {
                latestCommittedEventId = latest;
            }
        }

        long latestCommittedEventId() {
            return latestCommittedEventId;
        }

        void countBuilds(Map<BuildState, Long> counts) {
            buildsByState = Map.copyOf(counts);
        }

        /** Adds a committed transaction's changes of the builds by state. */
        void buildsChanged(Map<BuildState, Long> delta) {
            if (delta.isEmpty()) {
                return;
            }
            Map<BuildState, Long> counts = new EnumMap<>(BuildState.class);
            counts.putAll(buildsByState);
            delta.forEach((state, change) -> counts.merge(state, change, Long::sum));
            counts.values().removeIf(count -> count == 0);
            buildsByState = Map.copyOf(counts);
        }

        Map<BuildState, Long> buildsByState() {
            return buildsByState;
        }
    }
}
