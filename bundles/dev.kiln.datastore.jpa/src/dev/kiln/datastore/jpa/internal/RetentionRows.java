package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.kiln.api.BuildState;
import dev.kiln.api.datastore.HeldPath;

/** The plain JDBC reads and writes of retention: held paths, what pending builds need, serving times, old events. */
final class RetentionRows {

    private static final String PENDING_STATES = "('" + BuildState.SCHEDULED.id() + "', '"
            + BuildState.ALLOCATED.id() + "', '" + BuildState.STARTED.id() + "')";

    private RetentionRows() {
    }

    /** Every held path, in two scans: the paths, then their references. */
    static List<HeldPath> heldPaths(Connection connection) throws SQLException {
        Map<String, List<String>> references = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT path, reference_path FROM stored_path_reference"); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                references.computeIfAbsent(rows.getString(1), path -> new ArrayList<>()).add(rows.getString(2));
            }
        }
        List<HeldPath> held = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT path, nar_hash, nar_size, stored_at, last_served FROM stored_path");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String path = rows.getString(1);
                long served = rows.getLong(5);
                Instant lastServed = rows.wasNull() ? null : Instant.ofEpochMilli(served);
                held.add(new HeldPath(path, rows.getString(2), rows.getLong(3),
                        references.getOrDefault(path, List.of()), Instant.ofEpochMilli(rows.getLong(4)), lastServed));
            }
        }
        return held;
    }

    /** The output paths of these derivations (at most {@link BuildRows#CHUNK}). */
    static Set<String> outputPaths(Connection connection, KeyIndexes indexes, List<String> derivationPaths)
            throws SQLException {
        Set<String> paths = new HashSet<>();
        BuildRows.forEachRow(connection, "SELECT path FROM derivation_output" + indexes.primaryKey("derivation_output")
                + " WHERE drv_path IN ", derivationPaths, row -> paths.add(row.getString(1)));
        return paths;
    }

    static Set<String> derivationsTagged(Connection connection, String tagKey) throws SQLException {
        Set<String> derivations = new HashSet<>();
        addFirstColumn(connection, "SELECT b.drv_path FROM build_tag t JOIN build b ON b.id = t.build_id "
                + "WHERE t.tag_key = ?", tagKey, derivations);
        return derivations;
    }

    static Set<String> neededByPendingBuilds(Connection connection) throws SQLException {
        Set<String> paths = new HashSet<>();
        addFirstColumn(connection, "SELECT o.path FROM build b JOIN derivation_input i ON i.drv_path = b.drv_path "
                + "JOIN derivation_output o ON o.drv_path = i.input_drv_path AND o.output_name = i.output_name "
                + "WHERE b.state IN " + PENDING_STATES, null, paths);
        addFirstColumn(connection, "SELECT s.path FROM build b JOIN derivation_source s ON s.drv_path = b.drv_path "
                + "WHERE b.state IN " + PENDING_STATES, null, paths);
        return paths;
    }

    /** Adds the first column of a query's rows, with one parameter or none. */
    private static void addFirstColumn(Connection connection, String sql, String parameter, Set<String> into)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (parameter != null) {
                select.setString(1, parameter);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    into.add(rows.getString(1));
                }
            }
        }
    }

    /** Which of these NarHashes (at most {@link BuildRows#CHUNK}) a held path has. */
    static Set<String> heldNarHashes(Connection connection, List<String> narHashes) throws SQLException {
        Set<String> held = new HashSet<>();
        BuildRows.forEachRow(connection, "SELECT DISTINCT nar_hash FROM stored_path WHERE nar_hash IN ", narHashes,
                row -> held.add(row.getString(1)));
        return held;
    }

    static void deleteHeldPaths(Connection connection, List<String> paths) throws SQLException {
        try (PreparedStatement references = connection.prepareStatement(
                "DELETE FROM stored_path_reference WHERE path = ?");
                PreparedStatement stored = connection.prepareStatement("DELETE FROM stored_path WHERE path = ?")) {
            for (String path : paths) {
                references.setString(1, path);
                references.addBatch();
                stored.setString(1, path);
                stored.addBatch();
            }
            references.executeBatch();
            stored.executeBatch();
        }
    }

    static void recordServed(Connection connection, Map<String, Instant> byHashPart) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE stored_path SET last_served = ? WHERE hash_part = ?")) {
            for (Map.Entry<String, Instant> served : new TreeMap<>(byHashPart).entrySet()) {
                update.setLong(1, served.getValue().toEpochMilli());
                update.setString(2, served.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Deletes the events before the cutoff that every outbox reader has read. */
    static int deleteEventsBefore(Connection connection, Instant cutoff) throws SQLException {
        long readByAll;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT MIN(event_id), COUNT(*) FROM event_cursor"); ResultSet rows = select.executeQuery()) {
            rows.next();
            readByAll = rows.getLong(2) == 0 ? Long.MAX_VALUE : rows.getLong(1);
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM event WHERE event_time < ? AND id <= ?")) {
            delete.setLong(1, cutoff.toEpochMilli());
            delete.setLong(2, readByAll);
            return delete.executeUpdate();
        }
    }
}
