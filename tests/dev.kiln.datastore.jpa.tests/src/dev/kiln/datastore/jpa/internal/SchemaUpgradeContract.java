package dev.kiln.datastore.jpa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.api.Build;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildSort;
import dev.kiln.api.BuildState;
import dev.kiln.api.Event;
import dev.kiln.api.EventType;
import dev.kiln.api.Tag;

/**
 * A database made by the first schema, with data in it, is upgraded in place when the datastore opens it: the data
 * is all there, and what the later migrations add is filled in.
 */
abstract class SchemaUpgradeContract {

    private static final String DRV = "/nix/store/" + "a".repeat(32) + "-hello.drv";
    private static final UUID SUCCEEDED = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID SCHEDULED = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final UUID AGENT = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID SAME_NAME = UUID.fromString("00000000-0000-0000-0000-0000000000a2");

    abstract DatastoreOptions newDatabase() throws Exception;

    @Test
    void upgradesADatabaseOfTheFirstSchemaInPlace() throws Exception {
        DatastoreOptions options = newDatabase();
        Dialect dialect = Dialect.of(options.jdbcUrl());
        ConnectionPool pool = new ConnectionPool(JpaDatastore.loadDriver(dialect), options);
        try (Connection connection = pool.open()) {
            assertEquals(1, Migrations.migrate(connection, dialect, 1));
            fillFirstSchema(connection);
        }
        pool.close();
        JpaDatastore.open(options).close();

        JpaDatastore datastore = JpaDatastore.open(options);
        try {
            assertEquals(Migrations.LATEST, datastore.schemaVersion());
            Build succeeded = datastore.read(r -> r.build(SUCCEEDED)).orElseThrow();
            assertEquals(BuildState.SUCCEEDED, succeeded.state());
            assertEquals(Instant.ofEpochMilli(3_000), succeeded.stateChangedAt(), "from finished_at");
            assertEquals(Set.of(new Tag("jobset", "main")), succeeded.tags());
            assertEquals(AGENT, succeeded.agentId());
            Build scheduled = datastore.read(r -> r.build(SCHEDULED)).orElseThrow();
            assertEquals(Instant.ofEpochMilli(4_000), scheduled.stateChangedAt(), "from submitted_at");
            assertEquals(List.of(SCHEDULED), datastore.read(r -> r.pendingBuilds()).stream()
                    .map(p -> p.id()).toList());
            assertEquals("builder", datastore.read(r -> r.agent(AGENT)).orElseThrow().name());
            assertEquals("builder-" + SAME_NAME, datastore.read(r -> r.agent(SAME_NAME)).orElseThrow().name(),
                    "the younger of two agents of one name gets its id appended");
            assertEquals(AGENT, datastore.read(r -> r.agentNamed("builder")).orElseThrow().id());
            assertEquals(Set.of("/nix/store/" + "b".repeat(32) + "-hello"),
                    datastore.read(r -> r.heldPaths(List.of("/nix/store/" + "b".repeat(32) + "-hello"))));
            List<Event> events = datastore.read(r -> r.eventsAfter(0, 10));
            assertEquals(List.of(EventType.BUILD_SUBMITTED), events.stream().map(Event::type).toList());
            assertEquals(Map.of("derivation", DRV), events.get(0).data());
            assertEquals(2, datastore.read(r -> r.builds(BuildQuery.all(10).withDerivationPath(DRV))).builds().size());
            assertEquals(List.of(SUCCEEDED, SCHEDULED), datastore.read(r -> r.builds(BuildQuery.all(10)
                    .sortedBy(BuildSort.DERIVATION, true))).builds().stream().map(Build::id).toList());
            assertEquals(Map.of(BuildState.SUCCEEDED, 1L, BuildState.SCHEDULED, 1L),
                    datastore.read(r -> r.buildCounts(BuildQuery.all(1))));
            assertEquals(Map.of(), datastore.read(r -> r.eventCursors("hooks/")), "no hook cursor yet");

            long sequence = datastore.write(tx -> tx.nextBuildSequence());
            assertTrue(sequence > 2, "numbering continues after the upgraded data: " + sequence);
            assertTrue(datastore.write(tx -> tx.appendEvent(EventType.AGENT_LOST, Instant.EPOCH, null, null,
                    Map.of())).id() > events.get(0).id());
        } finally {
            datastore.close();
        }
    }

    private static void fillFirstSchema(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        String out = "/nix/store/" + "b".repeat(32) + "-hello";
        execute(connection, "INSERT INTO derivation (path, system_name, aterm, created_at) VALUES (?, ?, ?, ?)",
                DRV, "x86_64-linux", "Derive([(\"out\",\"" + out + "\",\"\",\"\")],[],[],\"x86_64-linux\")", 1L);
        execute(connection, "INSERT INTO derivation_output (drv_path, output_name, path) VALUES (?, ?, ?)",
                DRV, "out", out);
        execute(connection, "INSERT INTO agent (id, name, description, active, created_at, last_seen) "
                + "VALUES (?, ?, ?, ?, ?, ?)", AGENT.toString(), "builder", "", true, 1L, 2L);
        execute(connection, "INSERT INTO agent (id, name, description, active, created_at, last_seen) "
                + "VALUES (?, ?, ?, ?, ?, ?)", SAME_NAME.toString(), "builder", "", true, 1L, 2L);
        execute(connection, "INSERT INTO build (id, seq, drv_path, system_name, priority, state, submitted_at, "
                + "started_at, finished_at, agent_id, setup_failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                SUCCEEDED.toString(), 1L, DRV, "x86_64-linux", 0, "succeeded", 1_000L, 2_000L, 3_000L,
                AGENT.toString(), 0);
        execute(connection, "INSERT INTO build (id, seq, drv_path, system_name, priority, state, submitted_at, "
                + "setup_failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", SCHEDULED.toString(), 2L, DRV, "x86_64-linux", 0,
                "scheduled", 4_000L, 0);
        execute(connection, "INSERT INTO build_tag (build_id, tag_key, tag_value) VALUES (?, ?, ?)",
                SUCCEEDED.toString(), "jobset", "main");
        execute(connection, "INSERT INTO build_output (build_id, output_name, path) VALUES (?, ?, ?)",
                SUCCEEDED.toString(), "out", out);
        execute(connection, "INSERT INTO stored_path (path, hash_part, nar_hash, nar_size, deriver, build_id, "
                + "stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)", out, "b".repeat(32), "sha256:" + "1".repeat(52), 100L,
                DRV, SUCCEEDED.toString(), 3_000L);
        execute(connection, "INSERT INTO event (id, event_type, event_time, build_id, payload) "
                + "VALUES (?, ?, ?, ?, ?)", 1L, "build-submitted", 1_000L, SCHEDULED.toString(),
                "{\"derivation\":\"" + DRV + "\"}");
        connection.commit();
    }

    private static void execute(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }
}
