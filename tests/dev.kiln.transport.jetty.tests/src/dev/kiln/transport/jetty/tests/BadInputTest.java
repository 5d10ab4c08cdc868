package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.ProtocolJson;

/**
 * Every endpoint with malformed JSON, wrong types, unknown ids, bodies over the limit and missing or wrong
 * credentials: a 4xx with a JSON body saying what was wrong, never a 5xx, and nothing changed.
 */
class BadInputTest {

    private static final long LIMIT = 4096;
    private static final String UNKNOWN = UUID.randomUUID().toString();
    private static final String LARGE = "{\"x\":\"" + "a".repeat((int) LIMIT) + "\"}";

    @TempDir
    static Path temporary;

    private static TestCoordinator coordinator;
    private static AgentPassword agent;

    @BeforeAll
    static void start() throws Exception {
        coordinator = new TestCoordinator(Files.createDirectories(temporary.resolve("state")), LIMIT);
        agent = coordinator.newAgent("bad-input", "x86_64-linux");
    }

    @AfterAll
    static void stop() throws Exception {
        coordinator.close();
    }

    /** method, client port (with a token), anonymous (the client port without one) or agent port, path, body, status. */
    static Stream<Arguments> badRequests() {
        List<Arguments> cases = new ArrayList<>();
        String[][] clientJson = {
                {"POST", "/api/v1/builds"}, {"POST", "/api/v1/derivations/missing"}, {"POST", "/api/v1/agents"},
                {"PUT", "/api/v1/builds/" + UNKNOWN + "/priority"}};
        for (String[] endpoint : clientJson) {
            cases.add(Arguments.of(endpoint[0], "client", endpoint[1], "{not json", 400));
            cases.add(Arguments.of(endpoint[0], "client", endpoint[1], "", 400));
            cases.add(Arguments.of(endpoint[0], "client", endpoint[1], LARGE, 413));
        }
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"builds\":[{\"derivation\":5}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"builds\":[{\"derivation\":\"/nix/store/x.drv\",\"priority\":\"high\"}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"derivations\":[{\"path\":\"/nix/store/00000000000000000000000000000000-x.drv\",\"text\":\"Derive(\"}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"builds\":[{\"derivation\":\"/nix/store/00000000000000000000000000000000-x.drv\"}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "[]", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/derivations/missing", "{\"paths\":\"one\"}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/derivations/missing", "{\"paths\":[null]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"derivations\":[null]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"derivations\":[{\"path\":null,\"text\":null}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"builds\":[{\"derivation\":null}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"builds\":[{\"derivation\":\"/nix/store/x.drv\",\"tags\":{\"a\":null}}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds", "{\"builds\":[{\"derivation\":\"/nix/store/x.drv\",\"deferUntil\":\"tomorrow\"}]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents", "{\"systems\":[\"x\"]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents", "{\"name\":\"n\",\"systems\":[null]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents", "{\"name\":\"n\",\"systems\":[\"x\"],\"tags\":{\"k\":null}}", 400));
        cases.add(Arguments.of("PUT", "client", "/api/v1/builds/" + UNKNOWN + "/tags", "{\"tags\":{\"k\":null}}", 400));
        cases.add(Arguments.of("PUT", "client", "/api/v1/builds/" + UNKNOWN + "/tags", "{\"remove\":[null]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents", "{\"name\":\"\",\"systems\":[\"x\"]}", 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents", "{\"name\":\"n\",\"systems\":[]}", 400));
        cases.add(Arguments.of("PUT", "client", "/api/v1/builds/" + UNKNOWN + "/priority", "{\"priority\":1}", 404));
        cases.add(Arguments.of("PUT", "client", "/api/v1/builds/not-a-uuid/priority", "{\"priority\":1}", 400));
        cases.add(Arguments.of("GET", "client", "/api/v1/builds/" + UNKNOWN, null, 404));
        cases.add(Arguments.of("GET", "client", "/api/v1/builds?state=nonsense", null, 400));
        cases.add(Arguments.of("GET", "client", "/api/v1/builds?limit=0", null, 400));
        cases.add(Arguments.of("GET", "client", "/api/v1/builds?limit=x", null, 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds/" + UNKNOWN + "/cancel", null, 404));
        cases.add(Arguments.of("POST", "client", "/api/v1/builds/" + UNKNOWN + "/retry", null, 404));
        cases.add(Arguments.of("GET", "client", "/api/v1/builds/" + UNKNOWN + "/log", null, 404));
        cases.add(Arguments.of("GET", "client", "/api/v1/derivations?path=/nix/store/none.drv", null, 404));
        cases.add(Arguments.of("GET", "client", "/api/v1/derivations", null, 400));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents/" + UNKNOWN + "/password", null, 404));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents/" + UNKNOWN + "/deactivate", null, 404));
        cases.add(Arguments.of("POST", "client", "/api/v1/agents/" + UNKNOWN + "/activate", null, 404));
        cases.add(Arguments.of("GET", "client", "/api/v1/events?after=x", null, 400));
        cases.add(Arguments.of("DELETE", "client", "/api/v1/builds", null, 405));
        cases.add(Arguments.of("POST", "client", "/api/v1/tokens", "{bad", 400));
        cases.add(Arguments.of("PUT", "anonymous", "/nar/x.nar", "x", 401));
        cases.add(Arguments.of("PUT", "agent", "/nar/x.nar", "x", 405));
        cases.add(Arguments.of("GET", "agent", "/00000000000000000000000000000000.narinfo", null, 404));
        cases.add(Arguments.of("GET", "agent", "/nar/../../etc/passwd", null, 400));
        cases.add(Arguments.of("GET", "agent", "/log/none.drv", null, 404));

        String build = "/agent/v1/builds/" + UNKNOWN;
        String[][] agentJson = {{"/agent/v1/fetch"}, {"/agent/v1/status"}, {build + "/success"}, {build + "/setup-failure"}};
        for (String[] endpoint : agentJson) {
            cases.add(Arguments.of("POST", "agent", endpoint[0], "{not json", 400));
            cases.add(Arguments.of("POST", "agent", endpoint[0], LARGE, 413));
        }
        cases.add(Arguments.of("POST", "agent", "/agent/v1/fetch", "{\"systems\":[\"x86_64-linux\"],\"freeSlots\":\"many\",\"load\":0}", 400));
        cases.add(Arguments.of("POST", "agent", "/agent/v1/fetch", "{\"systems\":[\"x86_64-linux\"],\"freeSlots\":-1,\"load\":0}", 400));
        cases.add(Arguments.of("POST", "agent", "/agent/v1/status", "{\"running\":[\"nope\"]}", 400));
        cases.add(Arguments.of("POST", "agent", build + "/start", null, 404));
        cases.add(Arguments.of("POST", "agent", build + "/failure", null, 404));
        cases.add(Arguments.of("POST", "agent", build + "/log", "text", 404));
        cases.add(Arguments.of("GET", "agent", build + "/outputs/out", null, 404));
        cases.add(Arguments.of("PUT", "agent", build + "/outputs/out", "bytes", 404));
        cases.add(Arguments.of("POST", "agent", build + "/success", "{\"outputs\":[]}", 404));
        cases.add(Arguments.of("POST", "agent", build + "/setup-failure", "{\"kind\":\"weird\"}", 400));
        cases.add(Arguments.of("POST", "agent", build + "/setup-failure", "{\"missingInputs\":[]}", 400));
        cases.add(Arguments.of("POST", "agent", build + "/success", "{\"outputs\":[null]}", 400));
        cases.add(Arguments.of("POST", "agent", "/agent/v1/status", "{\"running\":[null]}", 400));
        cases.add(Arguments.of("POST", "agent", "/agent/v1/fetch", "{\"systems\":[null],\"freeSlots\":1,\"load\":0}", 400));
        cases.add(Arguments.of("GET", "agent", "/agent/v1/derivations?path=/nix/store/none.drv", null, 404));
        cases.add(Arguments.of("GET", "agent", "/agent/v1/nothing", null, 404));
        cases.add(Arguments.of("GET", "agent", "/api/v1/builds", null, 404));
        cases.add(Arguments.of("GET", "client", "/agent/v1/fetch", null, 404));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {2} on the {1} port: {4}")
    @MethodSource("badRequests")
    void badRequestsGetA4xxWithAJsonError(String method, String port, String path, String body, int status)
            throws Exception {
        HttpRequest.Builder request = (switch (port) {
            case "client" -> coordinator.asClient(path);
            case "anonymous" -> HttpRequest.newBuilder(coordinator.client(path));
            default -> HttpRequest.newBuilder(coordinator.agent(path));
        })
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (port.equals("agent")) {
            request.header("Authorization", TestCoordinator.basic(agent));
        }
        HttpResponse<String> response = coordinator.send(request.build());
        assertEquals(status, response.statusCode(), response.body());
        if (status >= 400) {
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""), response.body());
            assertTrue(response.body().startsWith("{\"error\":\""), response.body());
            ErrorAnswer answer = ProtocolJson.read(response.body().getBytes(StandardCharsets.UTF_8), ErrorAnswer.class);
            assertFalse(answer.error().isBlank(), response.body());
            assertFalse(answer.detail() == null || answer.detail().isBlank(), response.body());
        }
        assertEquals(0, coordinator.services.list(dev.kiln.api.BuildQuery.all(10)).builds().size(), "nothing changed");
    }

    @Test
    void theAgentApiRefusesMissingAndWrongCredentials() throws Exception {
        List<String> headers = List.of("", "Basic !!!", "Basic " + java.util.Base64.getEncoder().encodeToString(
                (agent.id() + ":wrong").getBytes()), "Basic " + java.util.Base64.getEncoder().encodeToString(
                        "not-a-uuid:x".getBytes()), "Bearer " + agent.password());
        for (String header : headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(coordinator.agent("/agent/v1/fetch"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":1}"));
            if (!header.isEmpty()) {
                request.header("Authorization", header);
            }
            HttpResponse<String> response = coordinator.send(request.build());
            assertEquals(401, response.statusCode(), header);
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), header);
            assertTrue(response.body().startsWith("{\"error\":\"unauthorized\""), response.body());
        }
    }

    @Test
    void aRefusedRequestsBodyIsReadSoTheConnectionCarriesTheNextRequest() throws Exception {
        URI uri = coordinator.client("/");
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            // The body comes after the headers, as from a client that sends them in two writes.
            out.write(("PUT /nar/x.nar HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            out.write("xy".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(readResponse(in).startsWith("HTTP/1.1 401 "));
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String next = readResponse(in);
            assertTrue(next.startsWith("HTTP/1.1 200 ") && next.endsWith("{\"status\":\"ok\"}"), next);
        }
    }

    /** One HTTP/1.1 answer with a Content-Length: its status line, headers and body, or what came before the end. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                return head.toString();
            }
            head.append((char) next);
        }
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int bytes = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(bytes), StandardCharsets.UTF_8);
    }
}
