package dev.kiln.hooks.example.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import dev.kiln.api.Event;
import dev.kiln.hooks.api.Farm;
import dev.kiln.hooks.api.Hook;

/**
 * Posts every event as JSON to a URL: {@code {"id", "type", "time", "buildId", "agentId", "data": {...}}}. A
 * status other than 2xx is a failure, so the coordinator posts the event again later; receivers should expect the
 * same event id more than once.
 */
@Component(configurationPid = WebhookConfiguration.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Hook.NAME + "=webhook")
@Designate(ocd = WebhookConfiguration.class)
public final class WebhookHook implements Hook {

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    @Activate
    public WebhookHook(WebhookConfiguration configuration) {
        this.url = URI.create(urlOf(configuration));
        this.timeout = Duration.ofMillis(configuration.timeout_ms());
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void handle(Event event, Farm farm) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(event))).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(url + " answered " + response.statusCode());
        }
    }

    private static String urlOf(WebhookConfiguration configuration) {
        String url = configuration.url();
        if (url.isBlank()) {
            url = System.getProperty(WebhookConfiguration.URL_PROPERTY, "");
        }
        if (url.isBlank()) {
            url = System.getenv().getOrDefault(WebhookConfiguration.URL_ENVIRONMENT, "");
        }
        if (url.isBlank()) {
            throw new IllegalStateException("no webhook URL: configure " + WebhookConfiguration.PID + " url, "
                    + "system property " + WebhookConfiguration.URL_PROPERTY + " or environment variable "
                    + WebhookConfiguration.URL_ENVIRONMENT);
        }
        return url.trim();
    }

    static String json(Event event) {
        String data = event.data().entrySet().stream().map(entry -> string(entry.getKey()) + ":"
                + string(entry.getValue())).collect(Collectors.joining(",", "{", "}"));
        return "{" + String.join(",",
                "\"id\":" + event.id(),
                "\"type\":" + string(event.type().id()),
                "\"time\":" + string(event.time().toString()),
                "\"buildId\":" + (event.buildId() == null ? "null" : string(event.buildId().toString())),
                "\"agentId\":" + (event.agentId() == null ? "null" : string(event.agentId().toString())),
                "\"data\":" + data) + "}";
    }

    private static String string(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
