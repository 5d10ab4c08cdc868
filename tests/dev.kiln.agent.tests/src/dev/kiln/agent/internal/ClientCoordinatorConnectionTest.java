package dev.kiln.agent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
}
