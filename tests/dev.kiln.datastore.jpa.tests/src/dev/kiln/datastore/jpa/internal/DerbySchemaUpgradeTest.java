package dev.kiln.datastore.jpa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerbySchemaUpgradeTest extends SchemaUpgradeContract {

    @TempDir
    Path directory;

    @Override
    DatastoreOptions newDatabase() {
        return DatastoreOptions.embeddedDerby(directory.resolve("db"));
    }

    @Test
    void keepsOneIndexForEachWayTheBuildsAreLookedUpAndNoForeignKeysOnTheHotTables() throws Exception {
        DatastoreOptions options = newDatabase();
        JpaDatastore.open(options).close();
        ConnectionPool pool = new ConnectionPool(JpaDatastore.loadDriver(Dialect.DERBY), options);
        try (Connection connection = pool.open()) {
            // The primary key, the submission order (unique), and one index for each filter and sort of the lists.
            assertEquals(List.of("BTREE (10)|false", "BTREE (3, 2)|false", "BTREE (4, 2)|false",
                    "BTREE (5 DESC, 2 DESC)|false", "BTREE (6, 2 DESC)|false", "UNIQUE BTREE (1)|true",
                    "UNIQUE BTREE (2 DESC)|false"), indexes(connection, "BUILD"));
            for (String table : List.of("DERIVATION_OUTPUT", "DERIVATION_INPUT", "DERIVATION_SOURCE", "BUILD",
                    "BUILD_TAG", "BUILD_REQUIRED_TAG", "BUILD_OUTPUT", "STORED_PATH_REFERENCE")) {
                assertEquals(0, constraints(connection, table, "F"), table + " has a foreign key");
            }
            assertEquals(1, constraints(connection, "AGENT_SYSTEM", "F"), "cold tables keep theirs");
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO derivation (path, system_name, aterm, created_at) "
                        + "VALUES ('/nix/store/a.drv', 'x86_64-linux', 'Derive()', 1)");
                String build = "INSERT INTO build (id, seq, drv_path, system_name, priority, state, submitted_at, "
                        + "setup_failures, state_changed_at) VALUES ('%s', 7, '/nix/store/a.drv', 'x86_64-linux', 0, "
                        + "'scheduled', 1, 0, 1)";
                statement.execute(build.formatted("00000000-0000-0000-0000-000000000001"));
                SQLException duplicate = assertThrows(SQLException.class,
                        () -> statement.execute(build.formatted("00000000-0000-0000-0000-000000000002")));
                assertEquals("23505", duplicate.getSQLState(), "the submission order stays unique");
            }
        } finally {
            pool.close();
            try {
                String url = options.jdbcUrl();
                String database = url.contains(";") ? url.substring(0, url.indexOf(';')) : url;
                JpaDatastore.loadDriver(Dialect.DERBY).connect(database + ";shutdown=true", new Properties());
            } catch (SQLException expected) {
                // Derby says it shut the database down with an exception.
            }
        }
    }

    /** The indexes of a table: Derby's description of each, then whether it backs a constraint, sorted. */
    private static List<String> indexes(Connection connection, String table) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT CAST(c.descriptor AS VARCHAR(200)), "
                + "c.isconstraint FROM sys.sysconglomerates c JOIN sys.systables t ON c.tableid = t.tableid "
                + "WHERE t.tablename = ? AND c.isindex")) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    indexes.add(rows.getString(1).trim() + "|" + rows.getBoolean(2));
                }
            }
        }
        indexes.sort(null);
        return indexes;
    }

    private static int constraints(Connection connection, String table, String type) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM sys.sysconstraints c "
                + "JOIN sys.systables t ON c.tableid = t.tableid WHERE t.tablename = ? AND c.type = ?")) {
            select.setString(1, table);
            select.setString(2, type);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
