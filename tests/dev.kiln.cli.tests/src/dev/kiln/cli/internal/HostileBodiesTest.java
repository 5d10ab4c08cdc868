package dev.kiln.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.testing.StateDirectories;

/** Bodies that leave out what a request needs get a 400 that names it, on a real coordinator with jobsets. */
class HostileBodiesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path temporary = StateDirectories.create("kiln-hostile-bodies-");
    private static final String CHANNEL = "{\"name\":\"src\",\"url\":\"/nowhere\",\"branch\":\"main\"}";

    private static RunningCoordinator coordinator;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        coordinator = new RunningCoordinator(temporary.resolve("state"));
        token = Files.readString(temporary.resolve("state/client-token")).strip();
    }

    @AfterAll
    static void stop() throws Exception {
        RunningCoordinator.stop(coordinator, temporary);
    }

    @Test
    void aJobsetWithoutANameIsRefusedSayingSo() throws Exception {
        assertRefused("POST", "/api/v1/jobsets", "{}", "a jobset needs a name");
        assertRefused("POST", "/api/v1/jobsets", "{\"channels\":[" + CHANNEL + "],\"evaluationCommand\":\"true\","
                + "\"storeDir\":\"/nix/store\"}", "a jobset needs a name");
    }

    @Test
    void aJobsetWithAnIncompleteChannelIsRefusedSayingWhat() throws Exception {
        assertRefused("POST", "/api/v1/jobsets", "{\"name\":\"j\",\"channels\":[{\"url\":\"/x\",\"branch\":\"main\"}],"
                + "\"evaluationCommand\":\"true\",\"storeDir\":\"/nix/store\"}", "a channel needs a name");
        assertRefused("POST", "/api/v1/jobsets", "{\"name\":\"j\",\"channels\":[null],\"evaluationCommand\":\"true\","
                + "\"storeDir\":\"/nix/store\"}", "channels");
        assertRefused("POST", "/api/v1/jobsets", "{\"name\":\"j\",\"channels\":[" + CHANNEL + "],"
                + "\"storeDir\":\"/nix/store\"}", "no evaluation command");
        assertRefused("POST", "/api/v1/jobsets", "{\"name\":\"j\",\"channels\":[" + CHANNEL + "],"
                + "\"evaluationCommand\":\"true\"}", "store directory");
        assertRefused("POST", "/api/v1/jobsets", "{\"name\":\"j\",\"channels\":[" + CHANNEL + "],"
                + "\"evaluationCommand\":\"true\",\"storeDir\":\"/nix/store\",\"tags\":{\"k\":null}}", "tags");
        assertEquals(404, send("GET", "/api/v1/jobsets/j", null).statusCode(), "nothing was created");
    }

    @Test
    void aNegativeTimeLimitOrAnEvaluationAskedForInTheWrongWordsIsRefusedAndStartsNothing() throws Exception {
        String jobset = "{\"name\":\"t\",\"channels\":[" + CHANNEL + "],\"evaluationCommand\":\"true\","
                + "\"storeDir\":\"/nix/store\"";
        assertRefused("POST", "/api/v1/jobsets", jobset + ",\"evaluationTimeoutSeconds\":-5}",
                "evaluationTimeoutSeconds is negative");
        assertEquals(201, send("POST", "/api/v1/jobsets", jobset + ",\"enabled\":false,\"evaluationTimeoutSeconds\":30}")
                .statusCode());
        HttpResponse<String> changed = send("PUT", "/api/v1/jobsets/t", jobset + ",\"enabled\":false,\"priority\":2}");
        assertTrue(changed.body().contains("\"evaluationTimeoutSeconds\":30"), "a change that leaves it out keeps it: "
                + changed.body());
        assertRefused("POST", "/api/v1/jobsets/t/evaluate", "{\"rebuildFailures\":\"often\"}", "rebuildFailures");
        assertEquals("{\"evaluations\":[]}", send("GET", "/api/v1/jobsets/t/evaluations", null).body());
        assertEquals(204, send("DELETE", "/api/v1/jobsets/t", null).statusCode());
    }

    private static void assertRefused(String method, String path, String body, String named) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertEquals(400, response.statusCode(), response.body());
        ErrorAnswer answer = ProtocolJson.read(response.body().getBytes(StandardCharsets.UTF_8), ErrorAnswer.class);
        assertEquals("bad request", answer.error(), response.body());
        assertTrue(answer.detail().contains(named), response.body());
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(coordinator.clientApi() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
