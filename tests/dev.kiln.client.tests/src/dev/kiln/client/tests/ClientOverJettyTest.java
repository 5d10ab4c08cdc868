package dev.kiln.client.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.KilnApiException;
import dev.kiln.client.KilnClient;
import dev.kiln.client.TrustedCertificates;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.FetchAnswer;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.testing.SelfSignedCertificate;
import dev.kiln.testing.StateDirectories;

/**
 * Both clients against a real Jetty on 127.0.0.1 that answers as a coordinator may: in chunks, after
 * {@code 100 Continue}, closing kept-alive connections, over TLS, with error answers, or not at all.
 */
class ClientOverJettyTest {

    private static final long TIMEOUT_SECONDS = 30;
    private static final long IDLE_TIMEOUT_MILLIS = 2000;
    private static final UUID BUILD = UUID.fromString("0b1f3c9e-3c43-4b7a-9d1e-2a4f5f5d2f10");
    private static final UUID UNKNOWN = UUID.fromString("7d1c0a52-9a1e-4c55-8c61-0e1d8a7b6f3c");
    private static final String TOKEN = "kiln_test";
    private static final Path temporary = StateDirectories.create("kiln-client-tests-");

    private static Server server;
    private static ServerConnector plain;
    private static ServerConnector tls;
    private static SelfSignedCertificate certificate;

    private static final AtomicInteger connectionsOpened = new AtomicInteger();
    private static final Queue<String> requests = new ConcurrentLinkedQueue<>();
    private static final Queue<String> expectations = new ConcurrentLinkedQueue<>();
    private static final AtomicLong uploaded = new AtomicLong();
    private static volatile byte[] lastUpload = new byte[0];

    @BeforeAll
    static void start() throws Exception {
        certificate = SelfSignedCertificate.create(temporary, "kiln-test-secret");
        server = new Server();
        plain = new ServerConnector(server);
        plain.setHost("127.0.0.1");
        plain.setPort(0);
        plain.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        plain.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                connectionsOpened.incrementAndGet();
            }
        });
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(certificate.keystore().toString());
        ssl.setKeyStorePassword(certificate.password());
        tls = new ServerConnector(server, ssl);
        tls.setHost("127.0.0.1");
        tls.setPort(0);
        server.addConnector(plain);
        server.addConnector(tls);
        server.setHandler(new Coordinator());
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            server.stop();
        } finally {
            StateDirectories.delete(temporary);
        }
    }

    @BeforeEach
    void forget() {
        requests.clear();
        expectations.clear();
        uploaded.set(0);
    }

    private static URI url(ServerConnector connector, String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + connector.getLocalPort());
    }

    @Test
    void chunkedAnswersAreReadWhole() throws Exception {
        BuildInfo build = new KilnClient(url(plain, "http")).build(BUILD);
        assertEquals(BUILD, build.id());
        assertEquals(BuildState.STARTED, build.state());
        assertEquals(Instant.parse("2026-11-22T02:10:01Z"), build.createdAt());

        List<FetchedBuild> fetched = agent(url(plain, "http"), null).fetch(List.of("x86_64-linux"), 2, 0.5);
        assertEquals(List.of(BUILD), fetched.stream().map(FetchedBuild::id).toList());
        assertEquals("Derive(" + "x".repeat(20_000) + ")", fetched.get(0).derivationText());
        assertEquals(List.of("GET /api/v1/builds/" + BUILD, "POST /agent/v1/fetch"), List.copyOf(requests));
    }

    @Test
    void errorAnswersAreReadAsErrorAnswers() {
        KilnApiException missing = assertThrows(KilnApiException.class,
                () -> new KilnClient(url(plain, "http")).build(UNKNOWN));
        assertEquals(404, missing.status());
        assertEquals(new ErrorAnswer("not found", "no build " + UNKNOWN), missing.answer());
        assertEquals("not found: no build " + UNKNOWN, missing.getMessage());

        KilnApiException refused = assertThrows(KilnApiException.class,
                () -> agent(url(plain, "http"), null).started(UNKNOWN));
        assertEquals(403, refused.status());
        assertEquals("forbidden", refused.error());
        assertEquals("build " + UNKNOWN + " is not allocated to this agent", refused.detail());

        KilnApiException proxy = assertThrows(KilnApiException.class,
                () -> new KilnClient(url(plain, "http")).cancel(UNKNOWN));
        assertEquals(502, proxy.status());
        assertEquals("HTTP 502", proxy.error());
        assertTrue(proxy.detail().contains("bad gateway"), proxy.detail());
    }

    @Test
    void aLargeUploadWaitsForTheServerToContinue() throws Exception {
        byte[] nar = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(nar);
        Path file = Files.write(temporary.resolve("upload.nar.zst"), nar);
        AtomicLong sent = new AtomicLong();
        new KilnClient(url(plain, "http"), TOKEN).putNar("upload.nar.zst", file, (bytes, size) -> sent.set(bytes));
        assertArrayEquals(nar, lastUpload);
        assertEquals(nar.length, sent.get());
        assertEquals(List.of("100-continue"), List.copyOf(expectations));
    }

    @Test
    void aRefusedUploadSendsNoBody() throws Exception {
        Path file = Files.write(temporary.resolve("refused.nar.zst"), new byte[4 * 1024 * 1024]);
        AtomicLong sent = new AtomicLong();
        KilnApiException refused = assertThrows(KilnApiException.class, () -> new KilnClient(url(plain, "http"))
                .putNar("refused.nar.zst", file, (bytes, size) -> sent.set(bytes)));
        assertEquals(401, refused.status());
        assertEquals("unauthorized", refused.error());
        assertEquals(List.of("100-continue"), List.copyOf(expectations));
        assertEquals(0, uploaded.get(), "the server read no byte of the body");
        assertTrue(sent.get() < 4 * 1024 * 1024, "the client did not send the whole body: " + sent.get());
    }

    @Test
    void aKeptAliveConnectionThatTheServerClosedIsReplacedUnseen() throws Exception {
        KilnAgentClient agent = agent(url(plain, "http"), null);
        KilnClient client = new KilnClient(url(plain, "http"));
        agent.fetch(List.of("x86_64-linux"), 1, 0.0);
        client.build(BUILD);
        int opened = connectionsOpened.get();
        await("the server closed the idle connections", () -> plain.getConnectedEndPoints().isEmpty());

        assertEquals(BUILD, agent.fetch(List.of("x86_64-linux"), 1, 0.0).get(0).id());
        assertEquals(BUILD, client.build(BUILD).id());
        assertEquals(4, requests.size(), "each request was served once: " + requests);
        assertTrue(connectionsOpened.get() > opened, "new connections were opened");

        // A connection kept alive and reused at once carries the next request too.
        int before = connectionsOpened.get();
        for (int i = 0; i < 5; i++) {
            agent.fetch(List.of("x86_64-linux"), 1, 0.0);
        }
        assertEquals(before, connectionsOpened.get(), "the agent's connection was reused");
    }

    @Test
    void bothClientsSpeakTlsToACertificateTheyTrust() throws Exception {
        SSLContext trusting = TrustedCertificates.sslContext(certificate.certificate());
        KilnClient client = new KilnClient(url(tls, "https"), null, trusting);
        client.checkHealth();
        assertEquals(BUILD, client.build(BUILD).id());
        assertEquals(BUILD, agent(url(tls, "https"), trusting).fetch(List.of("x86_64-linux"), 1, 0.0).get(0).id());

        CoordinatorUnreachableException untrusted = assertThrows(CoordinatorUnreachableException.class,
                () -> agent(url(tls, "https"), null).fetch(List.of("x86_64-linux"), 1, 0.0));
        assertTrue(untrusted.getMessage().contains("TLS handshake failed"), untrusted.getMessage());
        assertThrows(CoordinatorUnreachableException.class, () -> new KilnClient(url(tls, "https")).build(BUILD));
    }

    @Test
    void aServerThatIsNotThereIsUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port);
        CoordinatorUnreachableException health = assertThrows(CoordinatorUnreachableException.class,
                () -> new KilnClient(nowhere).checkHealth());
        assertEquals(nowhere, health.coordinator());
        CoordinatorUnreachableException build = assertThrows(CoordinatorUnreachableException.class,
                () -> new KilnClient(nowhere).build(BUILD));
        assertTrue(build.getMessage().contains("connection refused"), build.getMessage());
        assertThrows(CoordinatorUnreachableException.class,
                () -> agent(nowhere, null).fetch(List.of("x86_64-linux"), 1, 0.0));
    }

    private static KilnAgentClient agent(URI url, SSLContext tls) {
        return new KilnAgentClient(url, UNKNOWN, "password", tls);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, what + ": not within " + TIMEOUT_SECONDS + " s");
            Thread.sleep(20);
        }
    }

    /** Answers as a coordinator would, writing each JSON answer in pieces so that it goes out chunked. */
    private static final class Coordinator extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            requests.add(method + " " + path);
            if (path.startsWith("/nar/")) {
                upload(request, response, callback);
            } else if (path.equals("/healthz")) {
                answer(response, callback, 200, Map.of("status", "ok"));
            } else if (path.equals("/api/v1/builds/" + BUILD) || path.equals("/agent/v1/fetch")) {
                Content.Source.consumeAll(request);
                BuildInfo build = new BuildInfo(BUILD, BuildState.STARTED, "/nix/store/x.drv", "x86_64-linux", 0,
                        Map.of(), Map.of(), UNKNOWN, Instant.parse("2026-11-22T02:10:01Z"), null, null, 0, null,
                        List.of());
                answer(response, callback, 200, path.startsWith("/api") ? build : new FetchAnswer(List.of(
                        new FetchedBuild(BUILD, "/nix/store/x.drv", "Derive(" + "x".repeat(20_000) + ")",
                                "x86_64-linux"))));
            } else if (path.endsWith("/cancel")) {
                response.setStatus(502);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html");
                response.write(true, ByteBuffer.wrap("<html><body>bad gateway</body></html>"
                        .getBytes(StandardCharsets.UTF_8)), callback);
            } else if (path.startsWith("/agent/v1/builds/")) {
                answer(response, callback, 403, new ErrorAnswer("forbidden",
                        "build " + UNKNOWN + " is not allocated to this agent"));
            } else {
                answer(response, callback, 404, new ErrorAnswer("not found", "no build " + UNKNOWN));
            }
            return true;
        }

        /** A NAR upload: refused at once without a token, else read whole. */
        private static void upload(Request request, Response response, Callback callback) throws IOException {
            expectations.add(String.valueOf(request.getHeaders().get(HttpHeader.EXPECT)).toLowerCase(Locale.ROOT));
            if (request.getHeaders().get(HttpHeader.AUTHORIZATION) == null) {
                answer(response, callback, 401, new ErrorAnswer("unauthorized", "a client token is required"));
                return;
            }
            byte[] body = Content.Source.asInputStream(request).readAllBytes();
            uploaded.set(body.length);
            lastUpload = body;
            response.setStatus(204);
            response.write(true, ByteBuffer.allocate(0), callback);
        }

        private static void answer(Response response, Callback callback, int status, Object value) throws IOException {
            byte[] json = ProtocolJson.write(value);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            int half = json.length / 2;
            try (Blocker.Callback written = Blocker.callback()) {
                response.write(false, ByteBuffer.wrap(json, 0, half), written);
                written.block();
            }
            // The first half is out without a length: the rest can only follow as a chunk.
            assertFalse(response.getHeaders().contains(HttpHeader.CONTENT_LENGTH));
            response.write(true, ByteBuffer.wrap(json, half, json.length - half), callback);
        }
    }
}
