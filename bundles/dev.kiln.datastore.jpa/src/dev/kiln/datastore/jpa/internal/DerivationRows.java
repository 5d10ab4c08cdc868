package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.kiln.api.DerivationSummary;

/**
 * Stored derivations and paths read by key in plain JDBC, each query through the key's index (see
 * {@link KeyIndexes}), at most {@link BuildRows#CHUNK} keys at once.
 */
final class DerivationRows {

    private DerivationRows() {
    }

    /** The derivations among these paths that are stored, by path: four queries. */
    static Map<String, DerivationSummary> read(Connection connection, KeyIndexes indexes, List<String> paths)
            throws SQLException {
        Map<String, String[]> rows = new HashMap<>();
        BuildRows.forEachRow(connection, "SELECT path, system_name, aterm FROM derivation"
                + indexes.primaryKey("derivation") + " WHERE path IN ", paths,
                row -> rows.put(row.getString(1), new String[] {row.getString(2), row.getString(3)}));
        Map<String, Map<String, String>> outputs = new HashMap<>();
        Map<String, Map<String, Set<String>>> inputs = new HashMap<>();
        Map<String, Set<String>> sources = new HashMap<>();
        List<String> stored = List.copyOf(rows.keySet());
        BuildRows.forEachRow(connection, "SELECT drv_path, output_name, path FROM derivation_output"
                + indexes.primaryKey("derivation_output") + " WHERE drv_path IN ", stored,
                row -> outputs.computeIfAbsent(row.getString(1), path -> new TreeMap<>())
                        .put(row.getString(2), row.getString(3)));
        BuildRows.forEachRow(connection, "SELECT drv_path, input_drv_path, output_name FROM derivation_input"
                + indexes.primaryKey("derivation_input") + " WHERE drv_path IN ", stored,
                row -> inputs.computeIfAbsent(row.getString(1), path -> new TreeMap<>())
                        .computeIfAbsent(row.getString(2), input -> new TreeSet<>()).add(row.getString(3)));
        BuildRows.forEachRow(connection, "SELECT drv_path, path FROM derivation_source"
                + indexes.primaryKey("derivation_source") + " WHERE drv_path IN ", stored,
                row -> sources.computeIfAbsent(row.getString(1), path -> new TreeSet<>()).add(row.getString(2)));
        Map<String, DerivationSummary> derivations = new HashMap<>();
        rows.forEach((path, row) -> derivations.put(path, new DerivationSummary(path, row[0],
                outputs.getOrDefault(path, Map.of()), inputs.getOrDefault(path, Map.of()),
                sources.getOrDefault(path, Set.of()), row[1])));
        return derivations;
    }

    /** The paths among these that are keys of {@code table} ({@code derivation} or {@code stored_path}). */
    static Set<String> present(Connection connection, KeyIndexes indexes, String table, List<String> paths)
            throws SQLException {
        Set<String> present = new HashSet<>();
        BuildRows.forEachRow(connection, "SELECT path FROM " + table + indexes.primaryKey(table) + " WHERE path IN ",
                paths, row -> present.add(row.getString(1)));
        return present;
    }

    /** The input derivations of each stored derivation among these paths. */
    static Map<String, Set<String>> inputs(Connection connection, KeyIndexes indexes, List<String> paths)
            throws SQLException {
        Map<String, Set<String>> inputs = new HashMap<>();
        present(connection, indexes, "derivation", paths).forEach(path -> inputs.put(path, new HashSet<>()));
        BuildRows.forEachRow(connection, "SELECT drv_path, input_drv_path FROM derivation_input"
                + indexes.primaryKey("derivation_input") + " WHERE drv_path IN ", paths,
                row -> inputs.get(row.getString(1)).add(row.getString(2)));
        return inputs;
    }

    /** The derivations that need one of these as an input derivation, once for each such input. */
    static List<String> dependents(Connection connection, KeyIndexes indexes, List<String> inputPaths)
            throws SQLException {
        List<String> dependents = new ArrayList<>();
        BuildRows.forEachRow(connection, "SELECT drv_path FROM derivation_input"
                + indexes.index("derivation_input_input") + " WHERE input_drv_path IN ", inputPaths,
                row -> dependents.add(row.getString(1)));
        return dependents;
    }
}
