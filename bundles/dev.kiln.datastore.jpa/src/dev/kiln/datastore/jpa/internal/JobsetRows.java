package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.api.datastore.StoredEvaluation;
import dev.kiln.api.datastore.StoredJobset;
import dev.kiln.datastore.jpa.internal.model.EventEntity;
import dev.kiln.protocol.ProtocolJson;

/** Jobsets, evaluations and the builds of evaluations, in plain JDBC on a transaction's connection. */
final class JobsetRows {

    private static final String EVALUATION_COLUMNS = "id, jobset_name, commits, started_at, finished_at, "
            + "derivations_found, builds_submitted, error, reported_at";

    private JobsetRows() {
    }

    static List<StoredJobset> jobsets(Connection connection) throws SQLException {
        List<StoredJobset> jobsets = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT name, definition FROM jobset ORDER BY name");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                jobsets.add(new StoredJobset(rows.getString(1), rows.getString(2)));
            }
        }
        return jobsets;
    }

    static void saveJobset(Connection connection, StoredJobset jobset) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE jobset SET definition = ?, updated_at = ? WHERE name = ?")) {
            update.setString(1, jobset.definition());
            update.setLong(2, now);
            update.setString(3, jobset.name());
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO jobset (name, definition, updated_at) VALUES (?, ?, ?)")) {
            insert.setString(1, jobset.name());
            insert.setString(2, jobset.definition());
            insert.setLong(3, now);
            insert.executeUpdate();
        }
    }

    static boolean deleteJobset(Connection connection, String name) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM jobset WHERE name = ?")) {
            delete.setString(1, name);
            return delete.executeUpdate() > 0;
        }
    }

    static Optional<StoredEvaluation> evaluation(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + EVALUATION_COLUMNS + " FROM evaluation WHERE id = ?")) {
            select.setLong(1, id);
            return evaluations(select).stream().findFirst();
        }
    }

    static List<StoredEvaluation> evaluationsOfJobset(Connection connection, String jobset, int limit)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + EVALUATION_COLUMNS
                + " FROM evaluation WHERE jobset_name = ? ORDER BY jobset_name DESC, id DESC")) {
            select.setString(1, jobset);
            select.setMaxRows(limit);
            return evaluations(select);
        }
    }

    static Map<String, StoredEvaluation> latestEvaluations(Connection connection) throws SQLException {
        Map<String, StoredEvaluation> latest = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + EVALUATION_COLUMNS
                + " FROM evaluation WHERE id IN (SELECT MAX(id) FROM evaluation GROUP BY jobset_name)")) {
            evaluations(select).forEach(evaluation -> latest.put(evaluation.jobset(), evaluation));
        }
        return latest;
    }

    static long latestEvaluationId(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT MAX(id) FROM evaluation");
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static void saveEvaluation(Connection connection, StoredEvaluation evaluation) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE evaluation SET jobset_name = ?, "
                + "commits = ?, started_at = ?, finished_at = ?, derivations_found = ?, builds_submitted = ?, "
                + "error = ?, reported_at = ? WHERE id = ?")) {
            setEvaluation(update, evaluation, 1);
            update.setLong(9, evaluation.id());
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO evaluation (jobset_name, commits, "
                + "started_at, finished_at, derivations_found, builds_submitted, error, reported_at, id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            setEvaluation(insert, evaluation, 1);
            insert.setLong(9, evaluation.id());
            insert.executeUpdate();
        }
    }

    static List<EvaluationBuild> evaluationBuilds(Connection connection, long evaluationId) throws SQLException {
        List<EvaluationBuild> builds = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT drv_path, build_id FROM evaluation_build "
                + "WHERE evaluation_id = ? ORDER BY evaluation_id, found_order")) {
            select.setLong(1, evaluationId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    builds.add(new EvaluationBuild(rows.getString(1), UUID.fromString(rows.getString(2).trim())));
                }
            }
        }
        return builds;
    }

    static List<Long> evaluationsWithBuild(Connection connection, UUID buildId) throws SQLException {
        List<Long> evaluations = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT evaluation_id FROM evaluation_build "
                + "WHERE build_id = ? ORDER BY evaluation_id")) {
            select.setString(1, buildId.toString());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    evaluations.add(rows.getLong(1));
                }
            }
        }
        return evaluations;
    }

    static void insertEvaluationBuilds(Connection connection, long evaluationId, List<EvaluationBuild> builds)
            throws SQLException {
        List<EvaluationBuild> known = evaluationBuilds(connection, evaluationId);
        Map<String, EvaluationBuild> fresh = new LinkedHashMap<>();
        builds.forEach(build -> fresh.putIfAbsent(build.derivationPath(), build));
        known.forEach(build -> fresh.remove(build.derivationPath()));
        if (fresh.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO evaluation_build "
                + "(evaluation_id, found_order, drv_path, build_id) VALUES (?, ?, ?, ?)")) {
            int order = known.size();
            for (EvaluationBuild build : fresh.values()) {
                insert.setLong(1, evaluationId);
                insert.setInt(2, order++);
                insert.setString(3, build.derivationPath());
                insert.setString(4, build.buildId().toString());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void setEvaluation(PreparedStatement statement, StoredEvaluation evaluation, int first)
            throws SQLException {
        statement.setString(first, evaluation.jobset());
        statement.setString(first + 1, ProtocolJson.writeString(evaluation.commits()));
        statement.setLong(first + 2, evaluation.startedAt().toEpochMilli());
        setInstant(statement, first + 3, evaluation.finishedAt());
        statement.setInt(first + 4, evaluation.derivationsFound());
        statement.setInt(first + 5, evaluation.buildsSubmitted());
        statement.setString(first + 6, evaluation.error());
        setInstant(statement, first + 7, evaluation.reportedAt());
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, instant.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rows, int index) throws SQLException {
        long millis = rows.getLong(index);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static List<StoredEvaluation> evaluations(PreparedStatement select) throws SQLException {
        List<StoredEvaluation> evaluations = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                evaluations.add(new StoredEvaluation(rows.getLong(1), rows.getString(2),
                        EventEntity.strings(rows.getString(3)), Instant.ofEpochMilli(rows.getLong(4)), instant(rows, 5),
                        rows.getInt(6), rows.getInt(7), rows.getString(8), instant(rows, 9)));
            }
        }
        return evaluations;
    }
}
