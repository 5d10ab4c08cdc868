package dev.kiln.datastore.jpa.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The datastore's connections: a HikariCP pool of at most {@link DatastoreOptions#maxConnections()}, so that however
 * many (virtual) threads ask at once, the database never sees more; a thread that finds them all in use waits for
 * one. Connections are opened with a driver instance, never through {@code DriverManager} (which does not see
 * drivers across OSGi class loaders). A connection handed back has anything left uncommitted rolled back. Thread-safe.
 */
final class ConnectionPool {

    /** How long a thread waits for a free connection before its request fails. */
    private static final Duration WAIT_FOR_CONNECTION = Duration.ofSeconds(30);

    private final DriverConnections driver;
    private final HikariDataSource pool;
    private volatile boolean closed;

    ConnectionPool(Driver driver, DatastoreOptions options) {
        this.driver = new DriverConnections(driver, options);
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

    /** A connection of the pool; closing it hands it back. */
    Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("the datastore is closed");
        }
        return pool.getConnection();
    }

    /** The pool as a data source, for EclipseLink. */
    DataSource dataSource() {
        return pool;
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
    private static final class DriverConnections implements DataSource {

        private final Driver driver;
        private final String url;
        private final Properties credentials = new Properties();

        DriverConnections(Driver driver, DatastoreOptions options) {
            this.driver = driver;
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
            Connection connection = driver.connect(url, credentials);
            if (connection == null) {
                throw new SQLException("the driver " + driver.getClass().getName() + " does not accept " + url);
            }
            return connection;
        }

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
