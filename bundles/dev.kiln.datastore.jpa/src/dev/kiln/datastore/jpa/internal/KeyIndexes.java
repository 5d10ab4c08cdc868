package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Optimizer hints that make Derby look rows up through the index of their key, whatever it believes of the table's
 * size. Derby compiles a statement once and keeps its plan: an {@code IN} list compiled while a table was nearly
 * empty is planned as a scan of the table comparing each row with every key, and stays one long after the table
 * holds a hundred thousand rows (seconds a query). PostgreSQL plans each execution afresh and gets no hints.
 * <p>
 * A hint goes after the table's name in the {@code FROM} clause; it ends the line, as it is a comment to other
 * databases.
 */
final class KeyIndexes {

    /** No hints: PostgreSQL, or tests of the statements alone. */
    static final KeyIndexes NONE = new KeyIndexes(Map.of(), false);

    /** The constraint name of each table's primary key, by table name in lower case. */
    private final Map<String, String> primaryKeys;
    private final boolean derby;

    private KeyIndexes(Map<String, String> primaryKeys, boolean derby) {
        this.primaryKeys = primaryKeys;
        this.derby = derby;
    }

    /** The hints of the database behind this connection, whose schema is migrated. */
    static KeyIndexes of(Connection connection, Dialect dialect) throws SQLException {
        if (dialect != Dialect.DERBY) {
            return NONE;
        }
        // Primary keys declared without a name get one made up by Derby, different in each database.
        Map<String, String> names = new HashMap<>();
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT t.tablename, c.constraintname FROM sys.sysconstraints c "
                        + "JOIN sys.systables t ON c.tableid = t.tableid JOIN sys.sysschemas s ON t.schemaid = s.schemaid "
                        + "WHERE c.type = 'P' AND s.schemaname = CURRENT SCHEMA")) {
            while (rows.next()) {
                names.put(rows.getString(1).toLowerCase(Locale.ROOT), rows.getString(2));
            }
        }
        return new KeyIndexes(Map.copyOf(names), true);
    }

    /** The hint to look rows of {@code table} up through its primary key, whose first column the query gives. */
    String primaryKey(String table) {
        String constraint = primaryKeys.get(table);
        if (!derby) {
            return "";
        }
        if (constraint == null) {
            throw new IllegalArgumentException("table " + table + " has no primary key");
        }
        return " --DERBY-PROPERTIES constraint=\"" + constraint + "\"\n";
    }

    /** The hint to look rows up through the named index, whose first column the query gives. */
    String index(String name) {
        return derby ? " --DERBY-PROPERTIES index=" + name + "\n" : "";
    }
}
