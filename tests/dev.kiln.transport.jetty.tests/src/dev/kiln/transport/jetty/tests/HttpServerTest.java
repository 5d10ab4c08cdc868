package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Hashtable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.transport.jetty.HttpEndpoints;

/** Starts the real HTTP server component through Configuration Admin, on ephemeral loopback ports. */
class HttpServerTest {

    private static final long TIMEOUT_MILLIS = 30_000;

    private static Configuration configuration;
    private static HttpEndpoints endpoints;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(HttpServerTest.class).getBundleContext();
        ConfigurationAdmin configurations = await(context, ConfigurationAdmin.class);
        configuration = configurations.getConfiguration("dev.kiln.transport.jetty", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("client.listen", "127.0.0.1:0");
        properties.put("agent.listen", "127.0.0.1:0");
        configuration.update(properties);
        endpoints = await(context, HttpEndpoints.class);
    }

    @AfterAll
    static void stopServer() throws Exception {
        configuration.delete();
    }

    @Test
    void bothPortsAnswerHealthz() throws Exception {
        assertNotEquals(endpoints.clientApi().getPort(), endpoints.agentApi().getPort());
        for (URI base : new URI[] {endpoints.clientApi(), endpoints.agentApi()}) {
            HttpResponse<String> response = get(base.resolve("/healthz"));
            assertEquals(200, response.statusCode(), base.toString());
            assertEquals("{\"status\":\"ok\"}", response.body());
        }
    }

    @Test
    void unknownPathsGetAJsonError() throws Exception {
        HttpResponse<String> response = get(endpoints.clientApi().resolve("/no/such/thing"));
        assertEquals(404, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().contains("\"error\":\"not found\""), response.body());
        assertTrue(response.body().contains("/no/such/thing"), response.body());
    }

    @Test
    void healthzRefusesOtherMethods() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(endpoints.clientApi().resolve("/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <S> S await(BundleContext context, Class<S> type) throws InterruptedException {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        S service = tracker.waitForService(TIMEOUT_MILLIS);
        assertNotNull(service, "no " + type.getSimpleName() + " service within " + TIMEOUT_MILLIS + " ms");
        return service;
    }
}
