package dev.kiln.datastore.jpa.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema's versions and how to reach the latest. Each version is one SQL script under {@code db/migration},
 * applied in one transaction that also records it in {@code schema_version}, so that a database made by an earlier
 * Kiln is upgraded in place at start-up and a failed migration leaves the previous version intact.
 */
final class Migrations {

    /** The scripts, in order: version n is the n-th. Released scripts never change; a change is a new script. */
    static final List<String> SCRIPTS = List.of(
            "V1__initial_schema.sql",
            "V2__build_state_changed_at.sql",
            "V3__tags_sorts_event_cursors.sql",
            "V4__fewer_indexes_on_derby.sql",
            "V8__jobsets_in_datastore.sql",
            "V6__agent_names.sql",
            "V5__build_limits_and_features.sql",
            "V11__evaluation_outcomes.sql",
            "V9__retention.sql",
            "V12__build_attempts.sql",
            "V10__jobset_shares.sql");

    static final int LATEST = SCRIPTS.size();

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final Pattern DROP_CONSTRAINTS =
            Pattern.compile("DROP CONSTRAINTS OF (\\w+) (FOREIGN KEY|UNIQUE)", Pattern.CASE_INSENSITIVE);

    private Migrations() {
    }

    /**
     * Brings the database up to {@code target} (at most {@link #LATEST}).
     *
     * @return the version of the schema afterwards
     */
    static int migrate(Connection connection, Dialect dialect, int target) throws SQLException {
        if (target < 0 || target > LATEST) {
            throw new IllegalArgumentException("no schema version " + target);
        }
        connection.setAutoCommit(true);
        if (!tableExists(connection, "schema_version")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE schema_version (version_number INTEGER NOT NULL PRIMARY KEY, "
                        + "description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
            }
        }
        int current = currentVersion(connection);
        if (current > LATEST) {
            throw new IllegalStateException("the database has schema version " + current
                    + ", newer than this Kiln knows (" + LATEST + "): use a newer Kiln");
        }
        for (int version = current + 1; version <= target; version++) {
            apply(connection, dialect, version);
        }
        return Math.max(current, target);
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT MAX(version_number) FROM schema_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void apply(Connection connection, Dialect dialect, int version) throws SQLException {
        String script = SCRIPTS.get(version - 1);
        List<String> statements = statements(dialect.expand(read(script)));
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    Matcher drop = DROP_CONSTRAINTS.matcher(sql);
                    if (drop.matches()) {
                        dropConstraints(connection, drop.group(1), drop.group(2).startsWith("F") ? "F" : "U");
                    } else {
                        statement.execute(sql);
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO schema_version (version_number, description, applied_at) VALUES (?, ?, ?)")) {
                insert.setInt(1, version);
                insert.setString(2, script);
                insert.setLong(3, System.currentTimeMillis());
                insert.executeUpdate();
            }
            connection.commit();
            LOG.info("Migrated the {} database to schema version {} ({})", dialect.kind(), version, script);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new SQLException("migration " + script + " failed; the database stays at version "
                    + (version - 1), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Drops the constraints of one type ({@code F} foreign key, {@code U} unique) of a Derby table. */
    private static void dropConstraints(Connection connection, String table, String type) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT c.constraintname FROM sys.sysconstraints c "
                + "JOIN sys.systables t ON c.tableid = t.tableid JOIN sys.sysschemas s ON t.schemaid = s.schemaid "
                + "WHERE t.tablename = ? AND c.type = ? AND s.schemaname = CURRENT SCHEMA")) {
            select.setString(1, table.toUpperCase(Locale.ROOT));
            select.setString(2, type);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        if (names.isEmpty()) {
            throw new SQLException("table " + table + " has no " + (type.equals("F") ? "foreign key" : "unique")
                    + " constraint to drop");
        }
        try (Statement statement = connection.createStatement()) {
            for (String name : names) {
                statement.execute("ALTER TABLE " + table + " DROP CONSTRAINT \"" + name + "\"");
            }
        }
    }

    /** Splits a script into statements: they end with a semicolon at the end of a line; {@code --} comments. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("a migration statement does not end with a semicolon: " + current);
        }
        return statements;
    }

    private static String read(String script) {
        String resource = "db/migration/" + script;
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing migration " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean tableExists(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
            try (ResultSet tables = metaData.getTables(null, connection.getSchema(), name, new String[] {"TABLE"})) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
