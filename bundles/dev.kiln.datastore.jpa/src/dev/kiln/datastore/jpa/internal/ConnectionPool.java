package dev.kiln.datastore.jpa.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

/**
 * The datastore's connections: a HikariCP pool of at most {@link DatastoreOptions#maxConnections()}, so that however
 * many (virtual) threads ask at once, the database never sees more; a thread that finds them all in use waits for
 * one. Connections are opened with a driver instance, never through {@code DriverManager} (which does not see
 * drivers across OSGi class loaders). A connection handed back has anything left uncommitted rolled back. Thread-safe.
 */
final class ConnectionPool {

    /** How long a thread waits for a free connection before its request fails. */
    private static final Duration WAIT_FOR_CONNECTION = Duration.ofSeconds(30);
    private static final Duration WAIT_SLICE = Duration.ofMillis(500);

    private final DriverConnections driver;
    private final HikariDataSource pool;
    private volatile boolean closed;
    /** Why the last new connection to the database failed; null once one succeeded. */
    private volatile String unreachable;
    private volatile long unreachableAt;

    ConnectionPool(Driver driver, DatastoreOptions options) {
        this.driver = new DriverConnections(driver, options, this);
        HikariConfig config = new HikariConfig();
        config.setPoolName("kiln-datastore");
        config.setDataSource(this.driver);
        config.setMaximumPoolSize(options.maxConnections());
        config.setMinimumIdle(1);
        config.setAutoCommit(true);
        config.setConnectionTimeout(WAIT_FOR_CONNECTION.toMillis());
        // The database is checked when the datastore opens (the migrations); the pool opens its connections lazily.
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
    }

    /**
     * A connection of the pool; closing it hands it back. While the database cannot be reached (the last new
     * connection failed) and no connection is idle, fails at once instead of waiting {@link #WAIT_FOR_CONNECTION}:
     * the pool keeps trying to connect in the background, and the first connection that succeeds ends this.
     */
    Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("the datastore is closed");
        }
        HikariPool hikari = (HikariPool) pool.getHikariPoolMXBean();
        long deadline = System.nanoTime() + WAIT_FOR_CONNECTION.toNanos();
        while (true) {
            String why = unreachable;
            if (why != null && hikari.getIdleConnections() == 0) {
                throw new SQLTransientConnectionException("the database cannot be reached: " + why);
            }
            long left = deadline - System.nanoTime();
            try {
                // In slices, so that a database found gone while this thread waits ends the wait.
                return hikari.getConnection(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left),
                        WAIT_SLICE.toMillis())));
            } catch (SQLTransientConnectionException e) {
                if (deadline - System.nanoTime() <= 0) {
                    throw e;
                }
            }
        }
    }

    /**
     * Why the database cannot be reached, if a new connection to it fails now; empty when one opens. Opens (and
     * closes) a connection outside the pool, unless one failed within the last {@link #WAIT_SLICE}.
     */
    Optional<String> unreachable() {
        String known = unreachable;
        if (known != null && System.nanoTime() - unreachableAt < WAIT_SLICE.toNanos()) {
            return Optional.of(known);
        }
        try (Connection probe = driver.getConnection()) {
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("the database cannot be reached: " + e.getMessage());
        }
    }

    /** The pool as a data source, for EclipseLink: {@link #getConnection()}, failing fast too. */
    DataSource dataSource() {
        return new ConnectionSource() {
            @Override
            public Connection getConnection() throws SQLException {
                return ConnectionPool.this.getConnection();
            }
        };
    }

    /** Opens a connection outside the pool, for the migrations and for shutting Derby down. */
    Connection open() throws SQLException {
        return driver.getConnection();
    }


    /** Closes the pool: its idle connections at once, those in use as they are returned. */
    void close() {
        closed = true;
        pool.close();
    }

    /** New physical connections from a driver instance: what the pool fills itself from. */
    private static final class DriverConnections extends ConnectionSource {

        private final Driver driver;
        private final String url;
        private final Properties credentials = new Properties();
        private final ConnectionPool pool;

        DriverConnections(Driver driver, DatastoreOptions options, ConnectionPool pool) {
            this.driver = driver;
            this.pool = pool;
            this.url = options.jdbcUrl();
            if (options.user() != null && !options.user().isEmpty()) {
                credentials.setProperty("user", options.user());
            }
            if (options.password() != null && !options.password().isEmpty()) {
                credentials.setProperty("password", options.password());
            }
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection connection;
            try {
                connection = driver.connect(url, credentials);
            } catch (SQLException e) {
                pool.unreachableAt = System.nanoTime();
                pool.unreachable = String.valueOf(e.getMessage());
                throw e;
            }
            if (connection == null) {
                throw new SQLException("the driver " + driver.getClass().getName() + " does not accept " + url);
            }
            pool.unreachable = null;
            return connection;
        }
    }

    /** A data source of connections: the rest of the interface, which Kiln does not use. */
    private abstract static class ConnectionSource implements DataSource {

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // Logging goes through SLF4J.
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // The pool bounds how long a connection may take.
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper of " + type.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
