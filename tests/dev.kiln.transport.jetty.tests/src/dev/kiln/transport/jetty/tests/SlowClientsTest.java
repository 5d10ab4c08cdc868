package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send their body a byte at a time, or never read their answers, or send headers that never end: each
 * holds only its own connection, which is closed once silent for the idle timeout, and everyone else is answered.
 */
class SlowClientsTest {

    private static final int IDLE_TIMEOUT_SECONDS = 3;
    private static final int TRICKLERS = 20;
    private static final int TRICKLED_BYTES = 30;
    private static final int HOARDERS = 10;
    private static final int PIPELINED_REQUESTS = 3_000;
    private static final int GOOD_REQUESTS = 30;

    @TempDir
    Path temporary;

    @Test
    void slowAndHostileClientsHoldOnlyTheirOwnConnections() throws Exception {
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024,
                Map.of("idle.timeout.seconds", IDLE_TIMEOUT_SECONDS));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            URI client = coordinator.client("/");
            String token = coordinator.token();
            List<Future<Boolean>> hostile = new ArrayList<>();
            for (int i = 0; i < TRICKLERS; i++) {
                // A submit whose body comes a byte every 50 ms, then stops: the server closes the connection.
                hostile.add(threads.submit(() -> {
                    try (Socket socket = open(client)) {
                        OutputStream out = socket.getOutputStream();
                        out.write(("POST /api/v1/builds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                                + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        try {
                            for (int b = 0; b < TRICKLED_BYTES; b++) {
                                out.write('{');
                                out.flush();
                                Thread.sleep(50);
                            }
                        } catch (IOException closed) {
                            return true;
                        }
                        return closedByTheServer(socket);
                    }
                }));
            }
            for (int i = 0; i < HOARDERS; i++) {
                // Thousands of requests on one connection, their answers never read, then silence.
                hostile.add(threads.submit(() -> {
                    try (Socket socket = open(client)) {
                        socket.setReceiveBufferSize(4096);
                        OutputStream out = socket.getOutputStream();
                        byte[] request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                        try {
                            for (int r = 0; r < PIPELINED_REQUESTS; r++) {
                                out.write(request);
                            }
                            out.flush();
                        } catch (IOException closed) {
                            return true;
                        }
                        Thread.sleep(TimeUnit.SECONDS.toMillis(IDLE_TIMEOUT_SECONDS * 3L));
                        return closedByTheServer(socket);
                    }
                }));
            }
            hostile.add(threads.submit(() -> {
                // Headers that never end.
                try (Socket socket = open(client)) {
                    socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    return closedByTheServer(socket);
                }
            }));

            for (int i = 0; i < GOOD_REQUESTS; i++) {
                HttpRequest read = HttpRequest.newBuilder(coordinator.client(i % 2 == 0 ? "/healthz"
                        : "/api/v1/builds/counts")).build();
                assertEquals(200, answered(read), "an ordinary request among the slow clients");
                assertEquals(201, answered(coordinator.asClient("/api/v1/tokens")
                        .POST(HttpRequest.BodyPublishers.noBody()).build()), "an ordinary change among them");
            }
            for (Future<Boolean> connection : hostile) {
                assertTrue(connection.get(60, TimeUnit.SECONDS), "the server closed the hostile connection");
            }
        }
    }

    @Test
    void headersOverTheLimitAreRefused() throws Exception {
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024);
                Socket socket = open(coordinator.client("/"))) {
            socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 431", status);
        }
    }

    /**
     * The status of the answer, on a connection of its own: with a short idle timeout on a busy machine, a pooled
     * connection may be closing as it is reused.
     */
    private static int answered(HttpRequest request) throws IOException, InterruptedException {
        try (HttpClient fresh = HttpClient.newHttpClient()) {
            return fresh.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    private static Socket open(URI uri) throws IOException {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(IDLE_TIMEOUT_SECONDS * 10L));
        return socket;
    }

    /**
     * Whether the server ends the connection (an answer, perhaps, then the end) before the socket's timeout, and
     * answered no 5xx on the way.
     */
    private static boolean closedByTheServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        try {
            in.transferTo(answers);
            return !answers.toString(StandardCharsets.ISO_8859_1).contains("HTTP/1.1 5");
        } catch (java.net.SocketException reset) {
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        }
    }
}
