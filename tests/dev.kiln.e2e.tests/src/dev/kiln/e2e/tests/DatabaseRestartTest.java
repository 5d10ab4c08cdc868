package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.kiln.testing.PostgresServer;
import dev.kiln.testing.RealNix;

/**
 * PostgreSQL restarted, then killed, while two agents build a graph: while the database is away the coordinator
 * still answers, with 503 and a JSON body where it needs the database, says what is wrong in {@code /healthz},
 * {@code /metrics} and once in its log; it reconnects by itself, and every build of the graph succeeds, recorded
 * once.
 */
class DatabaseRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int WAVES = 5;
    private static final int WIDTH = 6;

    /** Waves of builds of a second each, each wave needing the whole wave before it. */
    private static final String GRAPH = """
            let
              mk = name: script: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh";
                args = [ "-c" script ]; };
              wave = w: previous: builtins.genList (i: mk "wave-${toString w}-${toString i}"
                "/bin/sleep 1; /bin/echo ${toString w} ${toString i} ${toString (map (d: "${d}") previous)} > $out")
                %d;
              waves = builtins.foldl' (done: w: done ++ [ (wave w (if done == [] then [] else builtins.elemAt done
                (builtins.length done - 1))) ]) [] (builtins.genList (w: w) %d);
            in builtins.concatLists waves
            """.formatted(WIDTH, WAVES);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void buildsGoOnAcrossARestartAndACrashOfPostgres(@TempDir Path temp) throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        nix.instantiate(nix.store("reference"), GRAPH);
        List<Path> drvFiles;
        try (Stream<Path> files = Files.list(nix.storeFiles("reference"))) {
            drvFiles = files.filter(file -> file.toString().endsWith(".drv")).sorted().toList();
        }
        assertEquals(WAVES * WIDTH, drvFiles.size(), drvFiles.toString());

        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        try (Farm farm = Farm.start(temp.resolve("farm"), List.of("--database", database + "?user=kiln"))) {
            farm.startAgent("first-agent", "x86_64-linux", 2);
            farm.startAgent("second-agent", "x86_64-linux", 2);
            List<String> submit = new ArrayList<>(List.of("build", "submit"));
            drvFiles.forEach(file -> submit.add(file.toString()));
            List<String> ids = new ArrayList<>();
            for (JsonNode result : farm.kilnJson(submit.toArray(String[]::new))) {
                ids.add(result.path("id").asText());
            }
            assertEquals(WAVES * WIDTH, ids.size());

            await(farm, "a first wave built", () -> succeeded(farm) >= WIDTH);
            outage(farm, postgres, postgres::stopFast);

            int before = succeeded(farm);
            await(farm, "a wave built after the restart", () -> succeeded(farm) >= before + WIDTH);
            outage(farm, postgres, postgres::kill);

            await(farm, "every build succeeded", () -> succeeded(farm) == WAVES * WIDTH);
            for (String id : ids) {
                assertEquals("succeeded", farm.build(id).path("state").asText(), id);
            }
            List<String> successesTwice = new ArrayList<>();
            try (Connection connection = PostgresServer.connect(database);
                    Statement statement = connection.createStatement();
                    ResultSet twice = statement.executeQuery("SELECT build_id FROM event"
                            + " WHERE event_type = 'build-success' GROUP BY build_id HAVING COUNT(*) > 1")) {
                while (twice.next()) {
                    successesTwice.add(twice.getString(1));
                }
            }
            assertEquals(List.of(), successesTwice, "builds whose success was recorded twice");
            String log = Files.readString(farm.coordinatorLog());
            long unhealthy = log.lines().filter(line -> line.contains("Unhealthy:")).count();
            long stackLines = log.lines().filter(line -> line.startsWith("\tat ")).count();
            assertTrue(unhealthy >= 2 && unhealthy <= 4, "the fault said once an outage, not once a request: "
                    + unhealthy + " times\n" + farm.logs());
            assertTrue(log.contains("Healthy again"), "the end of the fault said");
            // Each retrying loop (a hook queue's cursor and outbox readers for each event type, the watcher...) says
            // the fault once an outage, with one stack trace: about 1,700 lines for both outages here. A storm, a
            // stack trace a try or a request, would be hundreds of thousands.
            assertTrue(stackLines < 5_000, stackLines + " lines of stack traces\n" + farm.logs());
        }
    }

    private interface Stop {
        void stop() throws IOException;
    }

    /**
     * Stops the database, checks what the coordinator answers while it is away, leaves the agents a few seconds to
     * finish builds whose reports must wait, starts the database again and waits until the coordinator is healthy.
     */
    private void outage(Farm farm, PostgresServer postgres, Stop stop) throws IOException, InterruptedException {
        stop.stop();
        try {
            awaitDown(farm);
            Thread.sleep(4_000);
        } finally {
            postgres.startAgain();
        }
        await(farm, "healthy again once the database is back", () -> status(farm, "/healthz") == 200);
    }

    /** Waits until the coordinator says the database is away, and checks what it answers meanwhile. */
    private void awaitDown(Farm farm) throws IOException, InterruptedException {
        await(farm, "/healthz says the datastore is unavailable", () -> status(farm, "/healthz") == 503);
        HttpResponse<String> health = get(farm, "/healthz");
        assertEquals("unhealthy", Farm.JSON.readTree(health.body()).path("status").asText(), health.body());
        HttpResponse<String> metrics = get(farm, "/metrics");
        assertEquals(200, metrics.statusCode(), "metrics are answered while the database is away");
        assertTrue(metrics.body().contains("kiln_datastore_up 0"), metrics.body());
        HttpResponse<String> builds = get(farm, "/api/v1/builds?limit=5");
        assertEquals(503, builds.statusCode(), builds.body());
        JsonNode answer = Farm.JSON.readTree(builds.body());
        assertEquals("datastore unavailable", answer.path("error").asText(), builds.body());
        assertTrue(builds.headers().firstValue("Retry-After").isPresent(), "says when to try again");
    }

    private static int succeeded(Farm farm) {
        try {
            // Answered from the counts the coordinator keeps, also while the database is away.
            return farm.get("/api/v1/builds/counts?state=succeeded").path("states").path("succeeded").asInt();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(Farm farm, String path) {
        try {
            return get(farm, path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(Farm farm, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(farm.clientUrl() + path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(Farm farm, String what, BooleanSupplier condition)
            throws IOException, InterruptedException {
        Farm.awaitUntil(what, WAIT, farm.coordinatorLog(), condition);
    }
}
