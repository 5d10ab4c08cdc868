package dev.kiln.datastore.jpa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.kiln.testing.PostgresServer;

/** The pool bounds what the database sees, however many threads ask at once. */
class ConnectionPoolTest {

    private static final int MOST = 3;
    private static final int THREADS = 40;

    @Test
    void manyThreadsAtOnceShareAFewServerConnections() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.createDatabase();
        String database = url.substring(url.lastIndexOf('/') + 1);
        ConnectionPool pool = new ConnectionPool(new org.postgresql.Driver(),
                DatastoreOptions.server(url, PostgresServer.USER, "").withMaxConnections(MOST));
        AtomicInteger served = new AtomicInteger();
        AtomicInteger mostSeen = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        try (Connection observer = PostgresServer.connect(server.jdbcUrl("postgres"))) {
            for (int i = 0; i < THREADS; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try (Connection connection = pool.getConnection();
                            Statement statement = connection.createStatement()) {
                        statement.execute("SELECT pg_sleep(0.05)");
                        served.incrementAndGet();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        done.countDown();
                    }
                }));
            }
            while (!done.await(10, TimeUnit.MILLISECONDS)) {
                mostSeen.accumulateAndGet(serverConnections(observer, database), Math::max);
            }
        } finally {
            pool.close();
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertEquals(THREADS, served.get(), "every thread got a connection in turn");
        assertTrue(mostSeen.get() >= 1, "the observer saw the pool's connections");
        assertTrue(mostSeen.get() <= MOST, "at most " + MOST + " server connections, saw " + mostSeen.get());
    }

    @Test
    void aClosedPoolSaysSo() {
        ConnectionPool pool = new ConnectionPool(new org.postgresql.Driver(),
                DatastoreOptions.server(PostgresServer.shared().createDatabase(), PostgresServer.USER, ""));
        pool.close();
        SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, pool::getConnection);
        assertEquals("the datastore is closed", refused.getMessage());
    }

    private static int serverConnections(Connection observer, String database) throws SQLException {
        try (Statement statement = observer.createStatement();
                ResultSet count = statement.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'")) {
            count.next();
            return count.getInt(1);
        }
    }
}
