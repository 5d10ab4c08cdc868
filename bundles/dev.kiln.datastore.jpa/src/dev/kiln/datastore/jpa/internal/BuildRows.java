package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildLimits;
import dev.kiln.api.BuildState;
import dev.kiln.api.FailureKind;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.Tag;
import dev.kiln.api.datastore.BuildRef;
import dev.kiln.datastore.jpa.internal.model.BuildEntity;
import dev.kiln.datastore.jpa.internal.model.StoredPathEntity;

/**
 * The rows an agent's requests read and write for each build, in plain JDBC on the transaction's connection: a build
 * read in three indexed queries (the row and its two tag tables), a state change in one update, where the entity
 * manager would load, copy and compare entities. Reads by key go through the key's index (see {@link KeyIndexes});
 * their {@code IN} lists come in a few fixed lengths (the last key repeated), so that the database compiles each
 * statement once.
 */
final class BuildRows {

    /** The lengths of {@code IN} lists; the longest is the chunk size of every keyed query. */
    private static final int[] LIST_LENGTHS = {1, 8, 64, 500};
    static final int CHUNK = LIST_LENGTHS[LIST_LENGTHS.length - 1];

    private static final String COLUMNS = "id, seq, drv_path, system_name, priority, state, submitted_at, "
            + "state_changed_at, started_at, finished_at, agent_id, setup_failures, defer_until, required_features, "
            + "timeout_seconds, max_silent_seconds, max_log_bytes, max_output_bytes, failure_kind";

    private BuildRows() {
    }

    /** The builds among these ids (at most {@link #CHUNK}), by id. */
    static Map<UUID, Build> read(Connection connection, KeyIndexes indexes, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, Set<Tag>> tags = tags(connection, indexes, "build_tag", ids);
        Map<String, Set<Tag>> requiredTags = tags(connection, indexes, "build_required_tag", ids);
        Map<UUID, Build> builds = new LinkedHashMap<>();
        try (PreparedStatement select = keyed(connection,
                "SELECT " + COLUMNS + " FROM build" + indexes.primaryKey("build") + " WHERE id IN ", ids);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String id = rows.getString(1).trim();
                UUID uuid = UUID.fromString(id);
                String agent = rows.getString(11);
                builds.put(uuid, new Build(uuid, rows.getLong(2), rows.getString(3), rows.getString(4), rows.getInt(5),
                        tags.getOrDefault(id, Set.of()), requiredTags.getOrDefault(id, Set.of()),
                        BuildState.fromId(rows.getString(6)), Instant.ofEpochMilli(rows.getLong(7)),
                        Instant.ofEpochMilli(rows.getLong(8)), instant(rows, 9), instant(rows, 10),
                        agent == null ? null : UUID.fromString(agent.trim()), rows.getInt(12), instant(rows, 13),
                        BuildEntity.features(rows.getString(14)), new BuildLimits(longOrNull(rows, 15),
                                longOrNull(rows, 16), longOrNull(rows, 17), longOrNull(rows, 18)),
                        rows.getString(19) == null ? null : FailureKind.fromId(rows.getString(19))));
            }
        }
        return builds;
    }

    /** Inserts builds with their tags, in batches. */
    static void insert(Connection connection, List<Build> builds) throws SQLException {
        try (PreparedStatement build = connection.prepareStatement("INSERT INTO build (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement tag = connection.prepareStatement(
                        "INSERT INTO build_tag (build_id, tag_key, tag_value) VALUES (?, ?, ?)");
                PreparedStatement requiredTag = connection.prepareStatement(
                        "INSERT INTO build_required_tag (build_id, tag_key, tag_value) VALUES (?, ?, ?)")) {
            for (Build row : builds) {
                String id = row.id().toString();
                build.setString(1, id);
                build.setLong(2, row.sequence());
                build.setString(3, row.derivationPath());
                build.setString(4, row.system());
                build.setInt(5, row.priority());
                build.setString(6, row.state().id());
                build.setLong(7, row.submittedAt().toEpochMilli());
                build.setLong(8, row.stateChangedAt().toEpochMilli());
                setMillis(build, 9, row.startedAt());
                setMillis(build, 10, row.finishedAt());
                build.setString(11, row.agentId() == null ? null : row.agentId().toString());
                build.setInt(12, row.setupFailureCount());
                setMillis(build, 13, row.deferUntil());
                build.setString(14, BuildEntity.features(row.requiredFeatures()));
                setLong(build, 15, row.limits().timeoutSeconds());
                setLong(build, 16, row.limits().maxSilentSeconds());
                setLong(build, 17, row.limits().maxLogBytes());
                setLong(build, 18, row.limits().maxOutputBytes());
                build.setString(19, row.failureKind() == null ? null : row.failureKind().id());
                build.addBatch();
                addTags(tag, id, row.tags());
                addTags(requiredTag, id, row.requiredAgentTags());
            }
            build.executeBatch();
            tag.executeBatch();
            requiredTag.executeBatch();
        }
    }

    private static void addTags(PreparedStatement insert, String buildId, Set<Tag> tags) throws SQLException {
        for (Tag tag : tags) {
            insert.setString(1, buildId);
            insert.setString(2, tag.key());
            insert.setString(3, tag.value());
            insert.addBatch();
        }
    }

    /** The ids of an agent's builds in these states. */
    static List<UUID> idsOfAgent(Connection connection, KeyIndexes indexes, UUID agentId, Set<BuildState> states)
            throws SQLException {
        List<BuildState> stateList = List.copyOf(new TreeSet<>(states));
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM build"
                + indexes.index("build_agent") + " WHERE agent_id = ? AND "
                + "state IN (" + String.join(", ", Collections.nCopies(stateList.size(), "?")) + ")")) {
            select.setString(1, agentId.toString());
            for (int i = 0; i < stateList.size(); i++) {
                select.setString(i + 2, stateList.get(i).id());
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(UUID.fromString(rows.getString(1).trim()));
                }
            }
        }
        return ids;
    }

    /**
     * Writes the fields of a build that change over its life (priority, state, times, agent, setup failures, defer
     * time), those that differ from {@code stored} only: the database updates each index of a column it is told to
     * set, changed or not. The row is found by its sequence number rather than its id: the builds that change are
     * mostly the recent ones, whose entries in the sequence's index sit together on a few pages that stay in memory,
     * where ids are spread at random over the whole of theirs.
     */
    static void update(Connection connection, Build stored, Build build) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        changed(columns, values, "priority", stored.priority(), build.priority());
        changed(columns, values, "state", stored.state().id(), build.state().id());
        changed(columns, values, "state_changed_at", stored.stateChangedAt(), build.stateChangedAt());
        changed(columns, values, "started_at", stored.startedAt(), build.startedAt());
        changed(columns, values, "finished_at", stored.finishedAt(), build.finishedAt());
        changed(columns, values, "agent_id", stored.agentId(), build.agentId());
        changed(columns, values, "setup_failures", stored.setupFailureCount(), build.setupFailureCount());
        changed(columns, values, "defer_until", stored.deferUntil(), build.deferUntil());
        changed(columns, values, "failure_kind", stored.failureKind() == null ? null : stored.failureKind().id(),
                build.failureKind() == null ? null : build.failureKind().id());
        if (columns.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE build SET " + String.join(" = ?, ", columns) + " = ? WHERE seq = ?")) {
            for (int i = 0; i < values.size(); i++) {
                Object value = values.get(i);
                switch (value) {
                    case null -> update.setNull(i + 1, switch (columns.get(i)) {
                        case "agent_id" -> Types.CHAR;
                        case "failure_kind" -> Types.VARCHAR;
                        default -> Types.BIGINT;
                    });
                    case Instant instant -> update.setLong(i + 1, instant.toEpochMilli());
                    case Integer number -> update.setInt(i + 1, number);
                    default -> update.setString(i + 1, value.toString());
                }
            }
            update.setLong(values.size() + 1, stored.sequence());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no build " + build.id() + " to update");
            }
        }
    }

    private static void changed(List<String> columns, List<Object> values, String column, Object stored,
            Object value) {
        if (!Objects.equals(stored, value)) {
            columns.add(column);
            values.add(value);
        }
    }

    /**
     * Records the outputs of a build, which succeeds once (a retry is of a build that did not succeed), and holds each
     * output path not yet held.
     */
    static void insertOutputs(Connection connection, UUID buildId, String derivationPath, List<OutputMetadata> outputs,
            Instant at) throws SQLException {
        String build = buildId.toString();
        Set<String> held = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT path FROM stored_path WHERE path = ?")) {
            for (OutputMetadata output : outputs) {
                select.setString(1, output.path());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        held.add(output.path());
                    }
                }
            }
        }
        try (PreparedStatement output = connection.prepareStatement(
                "INSERT INTO build_output (build_id, output_name, path) VALUES (?, ?, ?)");
                PreparedStatement stored = connection.prepareStatement("INSERT INTO stored_path (path, hash_part, "
                        + "nar_hash, nar_size, deriver, build_id, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement reference = connection.prepareStatement(
                        "INSERT INTO stored_path_reference (path, reference_path) VALUES (?, ?)")) {
            for (OutputMetadata metadata : outputs) {
                output.setString(1, build);
                output.setString(2, metadata.name());
                output.setString(3, metadata.path());
                output.addBatch();
                if (held.add(metadata.path())) {
                    stored.setString(1, metadata.path());
                    stored.setString(2, StoredPathEntity.hashPart(metadata.path()));
                    stored.setString(3, metadata.narHash());
                    stored.setLong(4, metadata.narSize());
                    stored.setString(5, derivationPath);
                    stored.setString(6, build);
                    stored.setLong(7, at.toEpochMilli());
                    stored.addBatch();
                    for (String path : new HashSet<>(metadata.references())) {
                        reference.setString(1, metadata.path());
                        reference.setString(2, path);
                        reference.addBatch();
                    }
                }
            }
            output.executeBatch();
            stored.executeBatch();
            reference.executeBatch();
        }
    }

    /** Writes when an agent was last seen. */
    static void updateLastSeen(Connection connection, Agent agent) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE agent SET last_seen = ? WHERE id = ?")) {
            setMillis(update, 1, agent.lastSeen());
            update.setString(2, agent.id().toString());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no agent " + agent.id() + " to update");
            }
        }
    }

    /** Deletes an agent's rows, those that refer to it first. */
    static void deleteAgent(Connection connection, UUID agentId) throws SQLException {
        for (String delete : List.of("DELETE FROM agent_password WHERE agent_id = ?",
                "DELETE FROM agent_system WHERE agent_id = ?", "DELETE FROM agent_tag WHERE agent_id = ?",
                "DELETE FROM agent WHERE id = ?")) {
            try (PreparedStatement statement = connection.prepareStatement(delete)) {
                statement.setString(1, agentId.toString());
                statement.executeUpdate();
            }
        }
    }

    private static Map<String, Set<Tag>> tags(Connection connection, KeyIndexes indexes, String table,
            List<String> ids) throws SQLException {
        Map<String, Set<Tag>> tags = new HashMap<>();
        forEachRow(connection, "SELECT build_id, tag_key, tag_value FROM " + table + indexes.primaryKey(table)
                + " WHERE build_id IN ", ids, rows -> tags.computeIfAbsent(rows.getString(1).trim(),
                        id -> new HashSet<>()).add(new Tag(rows.getString(2), rows.getString(3))));
        return tags;
    }

    /** The builds of these derivations (at most {@link #CHUNK}), in no order. */
    static List<BuildRef> refsOfDerivations(Connection connection, KeyIndexes indexes, List<String> derivationPaths)
            throws SQLException {
        List<BuildRef> refs = new ArrayList<>();
        forEachRow(connection, "SELECT id, drv_path, state, seq FROM build" + indexes.index("build_drv_seq")
                + " WHERE drv_path IN ", derivationPaths, rows -> refs.add(new BuildRef(
                        UUID.fromString(rows.getString(1).trim()), rows.getString(2),
                        BuildState.fromId(rows.getString(3)), rows.getLong(4))));
        return refs;
    }

    interface RowReader {
        void read(ResultSet rows) throws SQLException;
    }

    /**
     * Reads the rows of a query ending in {@code IN} with the list of keys (at most {@link #CHUNK}) appended. The
     * list comes in one of a few fixed lengths, the last key repeated, so that the database compiles each statement
     * once.
     */
    static void forEachRow(Connection connection, String sql, List<String> keys, RowReader reader)
            throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement select = keyed(connection, sql, keys); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                reader.read(rows);
            }
        }
    }

    /** A statement ending in an {@code IN} list of one of the fixed lengths, with the keys set. */
    private static PreparedStatement keyed(Connection connection, String sql, List<String> keys) throws SQLException {
        int length = LIST_LENGTHS[LIST_LENGTHS.length - 1];
        for (int candidate : LIST_LENGTHS) {
            if (candidate >= keys.size()) {
                length = candidate;
                break;
            }
        }
        if (keys.size() > length) {
            throw new IllegalArgumentException("at most " + length + " keys at once");
        }
        PreparedStatement statement = connection.prepareStatement(
                sql + "(" + String.join(", ", Collections.nCopies(length, "?")) + ")");
        try {
            for (int i = 0; i < length; i++) {
                statement.setString(i + 1, keys.get(Math.min(i, keys.size() - 1)));
            }
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
        return statement;
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static Long longOrNull(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    private static void setMillis(PreparedStatement statement, int index, Instant instant) throws SQLException {
        setLong(statement, index, instant == null ? null : instant.toEpochMilli());
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
