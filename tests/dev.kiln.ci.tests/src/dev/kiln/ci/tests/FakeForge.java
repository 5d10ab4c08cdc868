package dev.kiln.ci.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A forge's API on 127.0.0.1 that records the requests Kiln sends it. No forge server can be installed on this
 * machine (Debian has no Forgejo, Gitea or GitLab package, and GitHub is a service), so the test stands in for one.
 * It can be made to answer 503, as a forge that is down does.
 */
final class FakeForge implements AutoCloseable {

    /** One request as received, and when. */
    record Request(String method, String path, String query, String authorization, String privateToken,
            String body, Instant at) {

        /** The value of a string field of the JSON body, or of a query parameter (GitLab's statuses). */
        String field(String name) {
            Matcher json = Pattern
                    .compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
            if (json.find()) {
                return json.group(1);
            }
            if (query != null) {
                for (String parameter : query.split("&")) {
                    if (parameter.startsWith(name + "=")) {
                        return URLDecoder.decode(parameter.substring(name.length() + 1), StandardCharsets.UTF_8);
                    }
                }
            }
            return null;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpServer server;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger down = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile int refusalCode = 503;
    private volatile Map<String, String> refusalHeaders = Map.of();
    private final List<Instant> refusedAt = new CopyOnWriteArrayList<>();

    FakeForge() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Answers the next {@code count} requests with 503, and records nothing of them but the count. */
    void goDownFor(int count) {
        refuseNext(count, 503, Map.of());
    }

    /**
     * Answers the next {@code count} requests with this code and these headers (a spent rate limit: 403 or 429 with
     * GitHub's {@code X-RateLimit-*} headers), and records nothing of them but when they came.
     */
    void refuseNext(int count, int code, Map<String, String> headers) {
        refusalCode = code;
        refusalHeaders = Map.copyOf(headers);
        down.set(count);
    }

    /** When the requests that were refused came. */
    List<Instant> refusedAt() {
        return List.copyOf(refusedAt);
    }

    int refusedWhileDown() {
        return refused.get();
    }

    List<Request> received() {
        return List.copyOf(received);
    }

    /** Waits until the requests received satisfy the condition; returns them. */
    List<Request> await(String what, Predicate<List<Request>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Request> now = received();
            if (condition.test(now)) {
                return now;
            }
            Thread.sleep(50);
        }
        fail("the forge did not receive " + what + " within " + TIMEOUT.toSeconds() + " s: " + received());
        return List.of();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (down.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                refused.incrementAndGet();
                refusedAt.add(Instant.now());
                refusalHeaders.forEach(exchange.getResponseHeaders()::add);
                exchange.sendResponseHeaders(refusalCode, -1);
                return;
            }
            received.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN"), body, Instant.now()));
            byte[] answer = "{\"id\": 1}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
