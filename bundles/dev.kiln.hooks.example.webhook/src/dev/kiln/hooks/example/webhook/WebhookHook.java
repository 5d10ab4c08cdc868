package dev.kiln.hooks.example.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import dev.kiln.api.Event;
import dev.kiln.hooks.api.Farm;
import dev.kiln.hooks.api.Hook;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;
import dev.kiln.protocol.ProtocolJson;

/**
 * Posts every event to a URL in the JSON of the coordinator's event stream:
 * {@code {"id", "type", "time", "build", "agent", "data": {...}}}. A status other than 2xx is a failure, so the
 * coordinator posts the event again later; receivers should expect the same event id more than once.
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
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(event))).build();
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

    /** The event as the coordinator's event stream shows it. */
    static byte[] json(Event event) {
        return ProtocolJson.write(new EventInfo(event.id(), EventType.valueOf(event.type().name()), event.time(),
                event.buildId(), event.agentId(), event.data()));
    }
}
