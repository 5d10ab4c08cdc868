package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's own routes: health, metrics, the cache's description, unknown paths, the first token. */
class HttpServerTest {

    @TempDir
    static Path temporary;

    private static TestCoordinator coordinator;

    @BeforeAll
    static void startServer() throws Exception {
        coordinator = new TestCoordinator(temporary, 1024 * 1024);
    }

    @AfterAll
    static void stopServer() throws Exception {
        coordinator.close();
    }

    @Test
    void bothPortsAnswerHealthzAndTheCacheInfo() throws Exception {
        assertNotEquals(coordinator.endpoints.clientApi().getPort(), coordinator.endpoints.agentApi().getPort());
        for (URI base : new URI[] {coordinator.endpoints.clientApi(), coordinator.endpoints.agentApi()}) {
            HttpResponse<String> response = coordinator.get(base.resolve("/healthz"));
            assertEquals(200, response.statusCode(), base.toString());
            assertEquals("{\"status\":\"ok\"}", response.body());
            HttpResponse<String> info = coordinator.get(base.resolve("/nix-cache-info"));
            assertEquals("StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n", info.body());
        }
    }

    @Test
    void healthzSaysWhenTheDatastoreTakesNoWrites() throws Exception {
        coordinator.services.failWrites(new IllegalStateException("An SQL data change is not permitted for a read-only connection"));
        try {
            HttpResponse<String> unhealthy = awaitHealthz(503);
            assertTrue(unhealthy.body().contains("\"status\":\"unhealthy\"")
                    && unhealthy.body().contains("read-only connection"), unhealthy.body());
        } finally {
            coordinator.services.failWrites(null);
        }
        assertEquals("{\"status\":\"ok\"}", awaitHealthz(200).body());
    }

    /** {@code /healthz} probes the datastore every few seconds: waits for this answer. */
    private static HttpResponse<String> awaitHealthz(int status) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> answer = coordinator.get(coordinator.client("/healthz"));
        while (answer.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
            answer = coordinator.get(coordinator.client("/healthz"));
        }
        assertEquals(status, answer.statusCode(), answer.body());
        return answer;
    }

    @Test
    void unknownPathsGetAJsonError() throws Exception {
        HttpResponse<String> response = coordinator.get(coordinator.client("/no/such/thing"));
        assertEquals(404, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().contains("\"error\":\"not found\""), response.body());
        assertTrue(response.body().contains("/no/such/thing"), response.body());
    }

    @Test
    void healthzRefusesOtherMethods() throws Exception {
        HttpResponse<String> response = coordinator.postJson(coordinator.client("/healthz"), "{}");
        assertEquals(405, response.statusCode());
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        coordinator.get(coordinator.client("/healthz"));
        HttpResponse<String> response = coordinator.get(coordinator.client("/metrics"));
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("# TYPE kiln_builds gauge"), response.body());
        assertTrue(response.body().contains("kiln_agents{status=\"online\"} 0"), response.body());
        assertTrue(response.body().contains("kiln_http_request_duration_seconds_count{route=\"GET /healthz\"}"),
                response.body());
        assertTrue(response.body().contains("kiln_http_served_bytes_total"), response.body());
    }

    @Test
    void theFirstTokenIsWrittenForTheOwnerOnlyAndCreatesMoreTokens() throws Exception {
        Path first = temporary.resolve("client-token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
        HttpResponse<String> created = coordinator.send(coordinator.asClient("/api/v1/tokens")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.body().startsWith("{\"token\":\"kiln_"), created.body());
        assertTrue(!Files.readString(temporary.resolve("tokens")).contains(created.body().substring(10, 40)),
                "tokens are stored hashed");
    }
}
