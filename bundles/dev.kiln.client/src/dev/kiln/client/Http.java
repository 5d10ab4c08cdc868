package dev.kiln.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.kiln.protocol.MalformedJsonException;
import dev.kiln.protocol.ProtocolJson;

/** The requests both clients make: JSON in and out, errors turned into exceptions. Thread-safe. */
final class Http {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final URI coordinator;
    private final String authorization;
    private final HttpClient client;

    Http(URI base, String authorization) {
        this.base = base;
        String text = base.toString();
        this.coordinator = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.authorization = authorization;
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    <T> T json(String method, String path, Object body, Class<T> answer) throws IOException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(ProtocolJson.write(body));
        HttpRequest request = request(path).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "application/json").method(method, publisher).build();
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
        check(response.statusCode(), response.body());
        if (answer == Void.class || response.statusCode() == 204) {
            return null;
        }
        try {
            return ProtocolJson.read(response.body(), answer);
        } catch (MalformedJsonException e) {
            throw new IOException("the coordinator's answer to " + method + " " + path + " is not understood: "
                    + e.getMessage(), e);
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
            return client.send(request, handler);
        } catch (java.net.ConnectException e) {
            throw new CoordinatorUnreachableException(coordinator, "connection refused", e);
        } catch (java.net.http.HttpConnectTimeoutException e) {
            throw new CoordinatorUnreachableException(coordinator, "connection timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + coordinator);
        }
    }

    static void check(int status, byte[] body) throws KilnApiException {
        if (status < 300) {
            return;
        }
        String error = "HTTP " + status;
        String detail = new String(body, StandardCharsets.UTF_8);
        try {
            Map<?, ?> parsed = ProtocolJson.read(body, Map.class);
            if (parsed.get("error") instanceof String text) {
                error = text;
                Object given = parsed.get("detail");
                detail = given == null ? "" : given instanceof String string ? string : ProtocolJson.writeString(given);
            }
        } catch (MalformedJsonException e) {
            detail = detail.length() > 200 ? detail.substring(0, 200) : detail;
        }
        throw new KilnApiException(status, error, detail);
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
