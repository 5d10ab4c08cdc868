package dev.kiln.agent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.kiln.agent.internal.CoordinatorConnection.CompressedNar;
import dev.kiln.client.KilnAgentClient;

/**
 * Output uploads through the real agent client against an HTTP server that keeps the bytes it receives as the
 * coordinator does: a first upload is one request from the first byte; a broken one, or one taken up again, asks
 * where the coordinator's copy stops and sends the rest.
 */
class ClientCoordinatorConnectionTest {

    private static final UUID BUILD = UUID.randomUUID();
    private static final String OUTPUT_PATH = "/agent/v1/builds/" + BUILD + "/outputs/out";

    @TempDir
    Path temporary;

    private HttpServer server;
    private ClientCoordinatorConnection connection;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    /** Each request: its method and, for a PUT, its Content-Range. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** When positive, the next PUT is cut off after this many bytes of its body. */
    private volatile int breakNextPutAfter = -1;
    private byte[] file;
    private Path spooled;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(OUTPUT_PATH, this::output);
        server.start();
        connection = new ClientCoordinatorConnection(new KilnAgentClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), UUID.randomUUID(), "secret"));
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 2000; line++) {
            text.append("line ").append(line).append('\n');
        }
        file = text.toString().getBytes(StandardCharsets.UTF_8);
        spooled = Files.write(temporary.resolve("out.nar.zst"), file);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void output(HttpExchange exchange) throws IOException {
        try (exchange) {
            String range = exchange.getRequestHeaders().getFirst("Content-Range");
            requests.add(exchange.getRequestMethod() + (range == null ? "" : " " + range));
            if (exchange.getRequestMethod().equals("GET")) {
                answer(exchange);
                return;
            }
            long start = range == null ? 0 : Long.parseLong(range.substring("bytes ".length(), range.indexOf('-')));
            synchronized (held) {
                if (start != 0 && start != held.size()) {
                    exchange.sendResponseHeaders(409, -1);
                    return;
                }
                byte[] kept = held.toByteArray();
                held.reset();
                held.write(kept, 0, (int) start);
            }
            InputStream body = exchange.getRequestBody();
            int cutAfter = breakNextPutAfter;
            if (cutAfter > 0) {
                breakNextPutAfter = -1;
                byte[] part = body.readNBytes(cutAfter);
                synchronized (held) {
                    held.writeBytes(part);
                }
                // The connection breaks before an answer: the server closes it.
                throw new IOException("connection cut by the test");
            }
            byte[] rest = body.readAllBytes();
            synchronized (held) {
                held.writeBytes(rest);
            }
            answer(exchange);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] progress;
        synchronized (held) {
            progress = ("{\"received\":" + held.size() + "}").getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, progress.length);
        exchange.getResponseBody().write(progress);
    }

    private byte[] held() {
        synchronized (held) {
            return held.toByteArray();
        }
    }

    /** The file's bytes, in memory or spooled. */
    private CompressedNar nar(boolean inMemory) {
        return inMemory ? new CompressedNar.InMemory(file) : new CompressedNar.Spooled(spooled);
    }

    @ParameterizedTest(name = "in memory: {0}")
    @ValueSource(booleans = {true, false})
    void aFirstUploadIsOneRequestFromTheFirstByte(boolean inMemory) throws IOException {
        held.writeBytes("left by an earlier agent".getBytes(StandardCharsets.UTF_8));
        connection.upload(BUILD, "out", nar(inMemory), false);
        assertEquals(List.of("PUT bytes 0-" + (file.length - 1) + "/" + file.length), requests);
        assertArrayEquals(file, held());
    }

    @ParameterizedTest(name = "in memory: {0}")
    @ValueSource(booleans = {true, false})
    void aBrokenUploadContinuesFromTheBytesTheCoordinatorHolds(boolean inMemory) throws IOException {
        breakNextPutAfter = 5000;
        connection.upload(BUILD, "out", nar(inMemory), false);
        assertEquals(List.of("PUT bytes 0-" + (file.length - 1) + "/" + file.length, "GET",
                "PUT bytes 5000-" + (file.length - 1) + "/" + file.length), requests);
        assertArrayEquals(file, held());
    }

    @ParameterizedTest(name = "in memory: {0}")
    @ValueSource(booleans = {true, false})
    void anUploadTakenUpAgainAsksWhereTheCopyStops(boolean inMemory) throws IOException {
        held.write(file, 0, 3000);
        connection.upload(BUILD, "out", nar(inMemory), true);
        assertEquals(List.of("GET", "PUT bytes 3000-" + (file.length - 1) + "/" + file.length), requests);
        assertArrayEquals(file, held());

        requests.clear();
        connection.upload(BUILD, "out", nar(inMemory), true);
        assertEquals(List.of("GET"), requests, "a complete copy is not sent again");
        assertArrayEquals(file, held());
    }

    @ParameterizedTest(name = "in memory: {0}")
    @ValueSource(booleans = {true, false})
    void anUploadBrokenOnAConnectionUsedBeforeIsNotSentAgainFromWhereItStarted(boolean inMemory) throws IOException {
        held.write(file, 0, 3000);
        breakNextPutAfter = 5000;
        connection.upload(BUILD, "out", nar(inMemory), true);
        assertEquals(List.of("GET", "PUT bytes 3000-" + (file.length - 1) + "/" + file.length, "GET",
                "PUT bytes 8000-" + (file.length - 1) + "/" + file.length), requests);
        assertArrayEquals(file, held());
    }

    @Test
    void requestsShareOneConnectionAndChunkedAnswersAndLogsGoThrough() throws IOException {
        List<Integer> clientPorts = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String fetched = "{\"builds\":[{\"id\":\"" + BUILD + "\",\"derivation\":\"/nix/store/" + "a".repeat(32)
                + "-a.drv\",\"derivationText\":\"Derive([])\",\"system\":\"x86_64-linux\"}]}";
        server.createContext("/agent/v1/fetch", exchange -> {
            try (exchange) {
                clientPorts.add(exchange.getRemoteAddress().getPort());
                exchange.getRequestBody().readAllBytes();
                // Length 0: the answer is sent in chunks.
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(fetched.getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/agent/v1/builds/" + BUILD + "/log", exchange -> {
            try (exchange) {
                clientPorts.add(exchange.getRemoteAddress().getPort());
                synchronized (log) {
                    log.writeBytes(exchange.getRequestBody().readAllBytes());
                }
                exchange.sendResponseHeaders(204, -1);
            }
        });
        for (int round = 0; round < 3; round++) {
            List<CoordinatorConnection.AllocatedBuild> builds = connection.fetch(List.of("x86_64-linux"), AgentSettings.Features.NONE, 1, 0, 0.5);
            assertEquals(List.of(new CoordinatorConnection.AllocatedBuild(BUILD, "/nix/store/" + "a".repeat(32) + "-a.drv",
                    "Derive([])", "x86_64-linux")), builds);
            connection.appendLog(BUILD, ("line " + round + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("line 0\nline 1\nline 2\n", log.toString(StandardCharsets.UTF_8));
        assertEquals(1, Set.copyOf(clientPorts).size(), "one connection for " + clientPorts.size() + " requests");
    }

    @Test
    void aRefusalIsRejectedAndTheConnectionServesOn() throws IOException {
        List<Integer> clientPorts = new CopyOnWriteArrayList<>();
        server.createContext("/agent/v1/builds/" + BUILD + "/start", exchange -> {
            try (exchange) {
                clientPorts.add(exchange.getRemoteAddress().getPort());
                byte[] refusal = "{\"error\":\"not-allocated\",\"detail\":\"the build is not allocated to this agent\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(403, refusal.length);
                exchange.getResponseBody().write(refusal);
            }
        });
        for (int round = 0; round < 2; round++) {
            CoordinatorConnection.RejectedException rejected = assertThrows(CoordinatorConnection.RejectedException.class,
                    () -> connection.start(BUILD));
            assertTrue(rejected.getMessage().contains("not-allocated"), rejected.getMessage());
        }
        assertEquals(1, Set.copyOf(clientPorts).size(), clientPorts::toString);
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedWithoutLosingTheRequest() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> requestLines = new CopyOnWriteArrayList<>();
            Thread answering = Thread.ofVirtual().start(() -> {
                for (int connections = 0; connections < 2; connections++) {
                    // Answers one request, then closes the connection without saying so.
                    try (Socket socket = plain.accept()) {
                        InputStream in = socket.getInputStream();
                        String head = readHead(in);
                        requestLines.add(head.substring(0, head.indexOf("\r\n")));
                        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                        in.readNBytes(length);
                        byte[] answer = "{\"builds\":[]}".getBytes(StandardCharsets.UTF_8);
                        socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + answer.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        socket.getOutputStream().write(answer);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            ClientCoordinatorConnection client = new ClientCoordinatorConnection(new KilnAgentClient(
                    URI.create("http://127.0.0.1:" + plain.getLocalPort()), UUID.randomUUID(), "secret"));
            assertEquals(List.of(), client.fetch(List.of("x86_64-linux"), AgentSettings.Features.NONE, 1, 0, 0.0));
            // The server closes the first connection once it has answered.
            Thread.sleep(200);
            assertEquals(List.of(), client.fetch(List.of("x86_64-linux"), AgentSettings.Features.NONE, 1, 0, 0.0));
            answering.join(Duration.ofSeconds(10));
            assertEquals(List.of("POST /agent/v1/fetch HTTP/1.1", "POST /agent/v1/fetch HTTP/1.1"), requestLines);
        }
    }

    /** The request line and headers, up to the empty line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the request ended early");
            }
            head.append((char) next);
        }
        return head.toString();
    }
}
