package dev.kiln.datastore.jpa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.Build;
import dev.kiln.api.BuildState;

/**
 * Reads by key on Derby keep to the key's index when the table has grown since their statement was compiled, which
 * Derby's own plan, made for the empty table and kept, does not.
 */
class KeyIndexesTest {

    private static final int ROWS = 3000;
    private static final int ASKED = 500;

    @TempDir
    Path directory;

    @Test
    void aReadByKeysCompiledOnAnEmptyTableUsesTheKeyIndexOnceTheTableHasGrown() throws SQLException {
        try (Connection connection = newDatabase()) {
            KeyIndexes indexes = KeyIndexes.of(connection, Dialect.DERBY);
            List<String> asked = new ArrayList<>();
            for (int i = 0; i < ASKED; i++) {
                asked.add(path(i * 5));
            }
            // Both statements are compiled now, on the empty table.
            assertEquals(Set.of(), DerivationRows.present(connection, KeyIndexes.NONE, "derivation", asked));
            assertEquals(Set.of(), DerivationRows.present(connection, indexes, "derivation", asked));
            insertDerivations(connection);

            String unhinted = plan(connection,
                    () -> DerivationRows.present(connection, KeyIndexes.NONE, "derivation", asked));
            String hinted = plan(connection, () -> DerivationRows.present(connection, indexes, "derivation", asked));

            assertTrue(unhinted.contains("Table Scan ResultSet for DERIVATION"),
                    "without hints Derby keeps the plan of the empty table: " + unhinted);
            assertTrue(hinted.contains("Index Scan ResultSet for DERIVATION"), hinted);
            assertTrue(hinted.contains("Number of opens = " + ASKED), "one probe of the index a key: " + hinted);
        }
    }

    @Test
    void everyTableReadByKeyHasItsPrimaryKeyNamed() throws SQLException {
        try (Connection connection = newDatabase()) {
            KeyIndexes indexes = KeyIndexes.of(connection, Dialect.DERBY);
            for (String table : List.of("build", "build_tag", "build_required_tag", "derivation", "derivation_output",
                    "derivation_input", "derivation_source", "stored_path")) {
                assertTrue(indexes.primaryKey(table).contains("constraint="), table);
            }
            assertEquals("", KeyIndexes.NONE.primaryKey("derivation"));
        }
    }

    @Test
    void aStateChangeCompiledOnAnEmptyTableFindsItsRowThroughTheSequenceIndex() throws SQLException {
        try (Connection connection = newDatabase()) {
            KeyIndexes indexes = KeyIndexes.of(connection, Dialect.DERBY);
            List<Build> builds = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
                builds.add(Fixtures.build(i + 1, Fixtures.derivation("node-" + i), BuildState.SCHEDULED, Set.of()));
            }
            // Compiled now, on a table of one row.
            BuildRows.insert(connection, builds.subList(0, 1));
            Build first = builds.get(0);
            BuildRows.update(connection, first, first.withState(BuildState.ALLOCATED, Fixtures.T0));
            BuildRows.insert(connection, builds.subList(1, ROWS));

            Build chosen = builds.get(ROWS / 2);
            Build started = chosen.withState(BuildState.STARTED, Fixtures.T0).withAgent(UUID.randomUUID())
                    .withStartedAt(Fixtures.T0);
            String plan = plan(connection, () -> BuildRows.update(connection, chosen, started));

            assertTrue(plan.contains("Index Scan ResultSet for BUILD using index BUILD_SEQ_DESC"), plan);
            assertTrue(plan.contains("Rows seen = 1"), "the one row, not a scan: " + plan);
            Build stored = BuildRows.read(connection, indexes, List.of(chosen.id().toString())).get(chosen.id());
            assertEquals(started, stored);
            assertEquals(BuildState.SCHEDULED, BuildRows.read(connection, indexes,
                    List.of(builds.get(ROWS / 2 + 1).id().toString())).get(builds.get(ROWS / 2 + 1).id()).state());
        }
    }

    /** A connection to a new Derby database at the latest schema. */
    private Connection newDatabase() throws SQLException {
        Connection connection = JpaDatastore.loadDriver(Dialect.DERBY)
                .connect("jdbc:derby:" + directory.resolve("db") + ";create=true", new Properties());
        Migrations.migrate(connection, Dialect.DERBY, Migrations.LATEST);
        return connection;
    }

    private interface Read {
        Set<String> run() throws SQLException;
    }

    private interface Statements {
        void run() throws SQLException;
    }

    /** Runs the read with Derby's statistics on, checks that it finds every key, and returns the plan it ran. */
    private static String plan(Connection connection, Read read) throws SQLException {
        return plan(connection, () -> assertEquals(ASKED, read.run().size()));
    }

    /** Runs the statements with Derby's statistics on, and returns the plan of the last one. */
    private static String plan(Connection connection, Statements statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CALL SYSCS_UTIL.SYSCS_SET_RUNTIMESTATISTICS(1)");
            statements.run();
            try (ResultSet rows = statement.executeQuery("VALUES SYSCS_UTIL.SYSCS_GET_RUNTIMESTATISTICS()")) {
                rows.next();
                String plan = rows.getString(1);
                statement.execute("CALL SYSCS_UTIL.SYSCS_SET_RUNTIMESTATISTICS(0)");
                return plan;
            }
        }
    }

    private static void insertDerivations(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO derivation (path, system_name, aterm, created_at) VALUES (?, 'x86_64-linux', 'Derive()', 0)")) {
            for (int i = 0; i < ROWS; i++) {
                insert.setString(1, path(i));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String path(int i) {
        return "/nix/store/" + "%032d".formatted(i).replace('0', 'a') + "-node-" + i + ".drv";
    }
}
