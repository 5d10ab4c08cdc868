package dev.kiln.datastore.jpa.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.kiln.api.BuildAttempt;

/** The attempts of builds in plain JDBC: a few rows per build, read by build id. */
final class AttemptRows {

    private AttemptRows() {
    }

    static List<BuildAttempt> read(Connection connection, UUID buildId) throws SQLException {
        List<BuildAttempt> attempts = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT attempt, agent_id, started_at, exit_status "
                + "FROM build_attempt WHERE build_id = ? ORDER BY attempt")) {
            query.setString(1, buildId.toString());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    int exitStatus = rows.getInt(4);
                    Integer known = rows.wasNull() ? null : exitStatus;
                    attempts.add(new BuildAttempt(buildId, rows.getInt(1), UUID.fromString(rows.getString(2).trim()),
                            Instant.ofEpochMilli(rows.getLong(3)), known));
                }
            }
        }
        return attempts;
    }

    /** Writes the exit status of a recorded attempt, or inserts a new one. */
    static void save(Connection connection, BuildAttempt attempt) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE build_attempt SET exit_status = ? WHERE build_id = ? AND attempt = ?")) {
            setExitStatus(update, 1, attempt);
            update.setString(2, attempt.buildId().toString());
            update.setInt(3, attempt.number());
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO build_attempt "
                + "(build_id, attempt, agent_id, started_at, exit_status) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, attempt.buildId().toString());
            insert.setInt(2, attempt.number());
            insert.setString(3, attempt.agentId().toString());
            insert.setLong(4, attempt.startedAt().toEpochMilli());
            setExitStatus(insert, 5, attempt);
            insert.executeUpdate();
        }
    }

    private static void setExitStatus(PreparedStatement statement, int index, BuildAttempt attempt)
            throws SQLException {
        if (attempt.exitStatus() == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, attempt.exitStatus());
        }
    }
}
