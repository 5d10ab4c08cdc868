package dev.kiln.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * A client of one coordinator. Instances are immutable and thread-safe; share one per coordinator.
 */
public final class KilnClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI coordinator;
    private final HttpClient http;

    /**
     * @param coordinator the base URL of the coordinator, for example {@code http://127.0.0.1:8746}
     */
    public KilnClient(URI coordinator) {
        this.coordinator = withoutTrailingSlash(Objects.requireNonNull(coordinator, "coordinator"));
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI coordinator() {
        return coordinator;
    }

    /**
     * Asks the coordinator whether it is ready.
     *
     * @throws CoordinatorUnreachableException when no connection can be made or the answer is not 200
     */
    public void checkHealth() throws CoordinatorUnreachableException {
        HttpRequest request = HttpRequest.newBuilder(coordinator.resolve("/healthz"))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new CoordinatorUnreachableException(coordinator, "health check answered " + response.statusCode(), null);
            }
        } catch (IOException e) {
            throw new CoordinatorUnreachableException(coordinator, describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnreachableException(coordinator, "interrupted", e);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message;
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
