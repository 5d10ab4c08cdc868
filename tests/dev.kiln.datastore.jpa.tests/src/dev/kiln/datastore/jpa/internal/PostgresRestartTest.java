package dev.kiln.datastore.jpa.internal;

import static dev.kiln.datastore.jpa.internal.Fixtures.derivation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.kiln.api.DatastoreUnavailableException;
import dev.kiln.api.DerivationSummary;
import dev.kiln.testing.PostgresServer;

/**
 * PostgreSQL stopped, then killed, under an open datastore: writes, and reads it cannot answer from memory, fail as
 * "unavailable" (which the HTTP layer answers with 503 and Retry-After) instead of as bugs, and once the server is
 * back the datastore works again by itself, with what was written before intact.
 */
class PostgresRestartTest {

    private static final long RECOVERY_SECONDS = 60;

    @Test
    void aDatabaseGoneIsUnavailableAndTheDatastoreReconnectsByItself() throws Exception {
        // Fails or skips as every PostgreSQL test does when there is no PostgreSQL; this test stops a server of its own.
        PostgresServer.shared();
        PostgresServer server = PostgresServer.start();
        try {
            JpaDatastore datastore = JpaDatastore.open(DatastoreOptions.server(server.createDatabase(),
                    PostgresServer.USER, ""));
            try {
                DerivationSummary before = derivation("before");
                insert(datastore, before);
                int round = 0;
                for (boolean crash : List.of(false, true)) {
                    round++;
                    if (crash) {
                        server.kill();
                    } else {
                        server.stopFast();
                    }
                    DerivationSummary during = derivation("during-" + round);
                    RuntimeException write = assertThrows(RuntimeException.class, () -> insert(datastore, during));
                    assertInstanceOf(DatastoreUnavailableException.class, write, () -> "a write: " + causes(write));
                    try {
                        assertEquals(before, datastore.read(reader -> reader.derivation(before.path())).orElseThrow(),
                                "a read answered from what the datastore holds in memory");
                    } catch (RuntimeException e) {
                        assertInstanceOf(DatastoreUnavailableException.class, e, () -> "a read: " + causes(e));
                    }

                    server.startAgain();
                    DerivationSummary after = derivation("after-" + round);
                    RuntimeException last = null;
                    boolean recovered = false;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
                    while (!recovered && System.nanoTime() < deadline) {
                        try {
                            insert(datastore, after);
                            recovered = true;
                        } catch (DatastoreUnavailableException e) {
                            last = e;
                            Thread.sleep(200);
                        }
                    }
                    assertTrue(recovered, "writes still fail " + RECOVERY_SECONDS + " s after the restart: " + last);
                    assertEquals(before, datastore.read(reader -> reader.derivation(before.path())).orElseThrow(),
                            "what was written before is there");
                }
            } finally {
                datastore.close();
            }
        } finally {
            server.stop();
        }
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null && text.length() < 4000; cause = cause.getCause() != null
                ? cause.getCause() : cause instanceof org.eclipse.persistence.exceptions.EclipseLinkException e
                        ? e.getInternalException() : null) {
            text.append("\n  ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
            if (cause instanceof java.sql.SQLException sql) {
                text.append(" [").append(sql.getSQLState()).append(']');
            }
        }
        return text.toString();
    }

    private static void insert(JpaDatastore datastore, DerivationSummary derivation) {
        datastore.write(tx -> {
            tx.insertDerivations(List.of(derivation));
            return null;
        });
    }
}
