package dev.kiln.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;

import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.MalformedJsonException;
import dev.kiln.protocol.ProtocolJson;

/**
 * The requests of the client API: JSON in and out, errors turned into exceptions. A JSON request goes over a
 * {@link BlockingHttp} connection; the JDK's HttpClient, which costs a short command of the command line a good part
 * of its time to start, is built only for what needs it (streams, uploads, queries many at a time). Thread-safe.
 */
final class Http {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final URI coordinator;
    private final Supplier<String> authorization;
    private final SSLContext tls;
    private final BlockingHttp blocking;
    private HttpClient client;

    /**
     * @param authorization the value of the {@code Authorization} header of each request, or null for none
     * @param tls the TLS context for {@code https://} coordinators, or null for the JVM's default (which honours
     *        {@code javax.net.ssl.trustStore})
     */
    Http(URI base, Supplier<String> authorization, SSLContext tls) {
        this.base = base;
        String text = base.toString();
        this.coordinator = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.authorization = authorization;
        this.tls = tls;
        this.blocking = new BlockingHttp(base, authorization, tls);
    }

    private synchronized HttpClient client() {
        if (client == null) {
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER);
            if (tls != null) {
                builder.sslContext(tls);
            } else if ("http".equalsIgnoreCase(base.getScheme())) {
                builder.sslContext(noTls());
            }
            client = builder.build();
        }
        return client;
    }

    /**
     * A TLS context that trusts nobody, for a client that speaks only plain HTTP: the JVM's default context, which
     * the HttpClient would otherwise build, reads and parses every certificate of the JVM's trust store, a good part
     * of the time a short command of the command line takes.
     */
    private static SSLContext noTls() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM offers no TLS", e);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path));
        String value = authorization.get();
        if (value != null) {
            builder.header("Authorization", value);
        }
        return builder;
    }

    /** A JSON request; answers its JSON answer as a record, or null for {@code Void} and 204. */
    <T> T json(String method, String path, Object body, Class<T> answer) throws IOException {
        return blocking.json(method, path, body, answer);
    }

    /** The status of a {@code GET} of this path, its answer read and dropped. */
    int status(String path) throws IOException {
        return blocking.send("GET", path, BlockingHttp.bytes(new byte[0], 0, 0)).status();
    }

    /** An answer's JSON body as a record; {@code request} names the request in the error. */
    static <T> T read(byte[] body, Class<T> answer, String request) throws IOException {
        try {
            return ProtocolJson.read(body, answer);
        } catch (MalformedJsonException e) {
            throw new IOException("the coordinator's answer to " + request + " is not understood: " + e.getMessage(), e);
        }
    }

    /** Sends a request whose answer is a stream; the caller closes it. */
    InputStream stream(HttpRequest request) throws IOException {
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 300) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(64 * 1024);
            }
            check(response.statusCode(), body);
        }
        return response.body();
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return client().send(request, handler);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + coordinator);
        }
    }

    /** Sends a request and answers the body of its answer, a refusal thrown as {@link KilnApiException}. */
    byte[] sendChecked(HttpRequest request) throws IOException {
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
        check(response.statusCode(), response.body());
        return response.body();
    }

    private IOException unreachable(IOException e) {
        return unreachable(coordinator, e);
    }

    /** Says why a request failed when the coordinator could not be reached or not spoken to; else the failure. */
    static IOException unreachable(URI coordinator, IOException e) {
        if (causedByAnUnknownHost(e)) {
            return new CoordinatorUnreachableException(coordinator, "unknown host " + coordinator.getHost()
                    + ": check the name in --coordinator or KILN_COORDINATOR", e);
        }
        return switch (e) {
            case java.net.ConnectException refused -> new CoordinatorUnreachableException(coordinator, "connection refused", e);
            case java.net.http.HttpConnectTimeoutException timeout ->
                new CoordinatorUnreachableException(coordinator, "connection timed out", e);
            case SSLHandshakeException handshake -> new CoordinatorUnreachableException(coordinator,
                    "the TLS handshake failed (" + rootMessage(e)
                            + "); is its certificate trusted (--cacert, javax.net.ssl.trustStore)?", e);
            case SSLException tls -> new CoordinatorUnreachableException(coordinator, "TLS failed: " + rootMessage(e), e);
            default -> e;
        };
    }

    /** Sends a request without waiting; {@link #await} its answer. */
    <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return client().sendAsync(request, handler);
    }

    /** Waits for an answer of {@link #sendAsync}; failures as {@link #send} reports them. */
    <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> answer) throws IOException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException failure) {
                throw unreachable(failure);
            }
            throw new IOException("the request to " + coordinator + " failed: " + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + coordinator);
        }
    }

    /** Whether the failure, or one of its causes, says that the host name does not resolve. */
    private static boolean causedByAnUnknownHost(Throwable e) {
        Throwable cause = e;
        for (int depth = 0; depth < 16 && cause != null; depth++, cause = cause.getCause()) {
            if (cause instanceof java.net.UnknownHostException
                    || cause instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        for (int depth = 0; depth < 16 && root.getCause() != null && root.getCause() != root; depth++) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /**
     * Throws a refusal as {@link KilnApiException} with the {@link ErrorAnswer} the coordinator gave; a body that is
     * no error answer (a proxy's page, say) is kept as the detail, cut to 200 characters.
     */
    static void check(int status, byte[] body) throws KilnApiException {
        if (status < 300) {
            return;
        }
        ErrorAnswer answer;
        try {
            answer = ProtocolJson.read(body, ErrorAnswer.class);
        } catch (MalformedJsonException e) {
            answer = null;
        }
        if (answer == null || answer.error() == null) {
            String text = new String(body, StandardCharsets.UTF_8);
            answer = new ErrorAnswer("HTTP " + status, text.length() > 200 ? text.substring(0, 200) : text);
        }
        throw new KilnApiException(status, answer);
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
