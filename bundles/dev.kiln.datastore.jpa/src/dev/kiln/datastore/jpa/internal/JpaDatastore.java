package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.eclipse.persistence.config.PersistenceUnitProperties;
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
import dev.kiln.api.EventListener;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreReader;
import dev.kiln.api.datastore.DatastoreTransaction;

/**
 * The datastore on EclipseLink JPA, over embedded Derby or PostgreSQL. At start it brings the schema to the
 * latest version, then serves reads concurrently and writes one at a time (see {@link Datastore}).
 */
@Component(service = Datastore.class, configurationPid = DatastoreConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DatastoreConfiguration.class)
public final class JpaDatastore implements Datastore {

    private static final Logger LOG = LoggerFactory.getLogger(JpaDatastore.class);

    private final DatastoreOptions options;
    private final Dialect dialect;
    private final Driver driver;
    private final ConnectionPool pool;
    private final int schemaVersion;
    private final EntityManagerFactory factory;
    private final EventNotifier notifier = new EventNotifier();
    private final ReentrantLock writer = new ReentrantLock(true);

    /** Guarded by {@link #writer}. */
    private final Counters counters;

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
        this.pool = new ConnectionPool(driver, options.jdbcUrl(), options.user(), options.password(), 8);
        try (Connection connection = pool.open()) {
            this.schemaVersion = Migrations.migrate(connection, dialect, schemaTarget);
            this.counters = new Counters(
                    max(connection, "SELECT MAX(seq) FROM build"),
                    max(connection, "SELECT MAX(id) FROM event"),
                    max(connection, "SELECT MAX(id) FROM setup_failure"));
            counters.countBuilds(buildsByState(connection));
        } catch (SQLException e) {
            pool.close();
            shutDownEmbedded();
            notifier.stop();
            throw new IllegalStateException("cannot open the " + dialect.kind() + " database at "
                    + options.jdbcUrl() + ": " + e.getMessage(), e);
        }
        this.factory = new PersistenceProvider().createContainerEntityManagerFactory(
                new KilnPersistenceUnit(pool), properties(dialect));
        LOG.info("Datastore open: {} at schema version {}", dialect.kind(), schemaVersion);
    }

    @Deactivate
    public void close() {
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
        writer.lock();
        try {
            EntityManager manager = factory.createEntityManager();
            EntityTransaction transaction = manager.getTransaction();
            try {
                transaction.begin();
                JpaTransaction tx = new JpaTransaction(manager, counters, true);
                T result = work.apply(tx);
                transaction.commit();
                notifier.published(tx.appendedEvents());
                for (Runnable action : tx.afterCommitActions()) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.error("An action after a commit failed", e);
                    }
                }
                return result;
            } finally {
                if (transaction.isActive()) {
                    transaction.rollback();
                }
                manager.close();
            }
        } finally {
            writer.unlock();
        }
    }

    @Override
    public <T> T read(Function<DatastoreReader, T> work) {
        EntityManager manager = factory.createEntityManager();
        try {
            return work.apply(new JpaTransaction(manager, counters, false));
        } finally {
            manager.close();
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

    /**
     * The numbers the datastore assigns itself, instead of the database, so that inserts can be batched; and the
     * committed builds by state, kept as transactions commit, so that the farm's overview does not count a million
     * rows each time.
     */
    static final class Counters {
        private long buildSequence;
        private long eventId;
        private long setupFailureId;
        /** Replaced, never changed, by the writer; read by any thread. */
        private volatile Map<BuildState, Long> buildsByState = Map.of();

        Counters(long buildSequence, long eventId, long setupFailureId) {
            this.buildSequence = buildSequence;
            this.eventId = eventId;
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

        void countBuilds(Map<BuildState, Long> counts) {
            buildsByState = Map.copyOf(counts);
        }

        /** Adds a committed transaction's changes of the builds by state. */
        void buildsChanged(Map<BuildState, Long> delta) {
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
