package dev.kiln.datastore.jpa.internal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A small pool of JDBC connections opened with a driver instance, never through {@code DriverManager} (which does
 * not see drivers across OSGi class loaders). Closing a handed-out connection returns it to the pool after a
 * rollback of anything left uncommitted.
 */
final class ConnectionPool implements DataSource {

    private final Driver driver;
    private final String url;
    private final Properties credentials;
    private final int maxIdle;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    ConnectionPool(Driver driver, String url, String user, String password, int maxIdle) {
        this.driver = driver;
        this.url = url;
        this.credentials = new Properties();
        if (user != null && !user.isEmpty()) {
            credentials.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            credentials.setProperty("password", password);
        }
        this.maxIdle = maxIdle;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection physical;
        synchronized (this) {
            if (closed) {
                throw new SQLException("the datastore is closed");
            }
            physical = idle.pollFirst();
        }
        if (physical == null || !physical.isValid(5)) {
            physical = open();
        }
        physical.setAutoCommit(true);
        return pooled(physical);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    /** Opens a connection outside the pool, for the migrations and for shutting Derby down. */
    Connection open() throws SQLException {
        Connection connection = driver.connect(url, credentials);
        if (connection == null) {
            throw new SQLException("the driver " + driver.getClass().getName() + " does not accept " + url);
        }
        return connection;
    }

    /** Closes the idle connections; connections in use are closed when returned. */
    void close() {
        Deque<Connection> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        toClose.forEach(ConnectionPool::closeQuietly);
    }

    private void release(Connection physical) {
        boolean keep;
        try {
            if (!physical.getAutoCommit()) {
                physical.rollback();
            }
            synchronized (this) {
                keep = !closed && idle.size() < maxIdle;
                if (keep) {
                    idle.addFirst(physical);
                }
            }
        } catch (SQLException e) {
            keep = false;
        }
        if (!keep) {
            closeQuietly(physical);
        }
    }

    private Connection pooled(Connection physical) {
        InvocationHandler handler = new InvocationHandler() {
            private boolean returned;

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                switch (method.getName()) {
                    case "close" -> {
                        if (!returned) {
                            returned = true;
                            release(physical);
                        }
                        return null;
                    }
                    case "isClosed" -> {
                        return returned || physical.isClosed();
                    }
                    case "unwrap" -> {
                        if (((Class<?>) args[0]).isInstance(physical)) {
                            return physical;
                        }
                    }
                    default -> {
                        if (returned) {
                            throw new SQLException("connection returned to the pool");
                        }
                    }
                }
                try {
                    return method.invoke(physical, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        };
        return (Connection) Proxy.newProxyInstance(ConnectionPool.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing a connection we no longer want; nothing to recover.
        }
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
        // Connections are opened by the driver directly.
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
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
