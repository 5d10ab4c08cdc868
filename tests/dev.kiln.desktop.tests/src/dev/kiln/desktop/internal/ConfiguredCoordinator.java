package dev.kiln.desktop.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.api.datastore.Datastore;
import dev.kiln.testing.Services;
import dev.kiln.transport.jetty.HttpEndpoints;

/**
 * A coordinator (Derby, Jetty) configured in the test framework through Configuration Admin, on loopback. Its HTTP
 * server can be stopped and started again on the same ports while the rest keeps running. One at a time: the
 * coordinator's components are configured singletons.
 */
final class ConfiguredCoordinator implements AutoCloseable {

    private static final BundleContext CONTEXT = Services.context(ConfiguredCoordinator.class);

    private final String state;
    private final List<Configuration> parts = new ArrayList<>();
    private Configuration http;
    private String clientListen = "127.0.0.1:0";
    private String agentListen = "127.0.0.1:0";
    private HttpEndpoints endpoints;

    /**
     * Configures the datastore, coordinator and cache with their state under {@code stateDir}, the components
     * {@code more} names with their properties, and the HTTP server, and waits until it serves.
     */
    ConfiguredCoordinator(Path stateDir, Map<String, Map<String, ?>> more) throws IOException {
        state = stateDir.toString();
        for (String pid : List.of("dev.kiln.datastore", "dev.kiln.coordinator", "dev.kiln.cache")) {
            parts.add(Services.configure(CONTEXT, pid, Map.of("state.dir", state)));
        }
        for (Map.Entry<String, Map<String, ?>> part : more.entrySet()) {
            Map<String, Object> properties = new HashMap<>(part.getValue());
            properties.put("state.dir", state);
            parts.add(Services.configure(CONTEXT, part.getKey(), properties));
        }
        startHttp();
        clientListen = "127.0.0.1:" + endpoints.clientApi().getPort();
        agentListen = "127.0.0.1:" + endpoints.agentApi().getPort();
    }

    URI clientApi() {
        return endpoints.clientApi();
    }

    URI agentApi() {
        return endpoints.agentApi();
    }

    /** Stops the HTTP server; clients find the coordinator down. */
    void stopHttp() throws IOException {
        http.delete();
        http = null;
        Services.awaitGone(CONTEXT, HttpEndpoints.class);
    }

    /** Starts the HTTP server on the ports it had, and waits until it serves. */
    void startHttp() throws IOException {
        http = Services.configure(CONTEXT, "dev.kiln.transport.jetty", Map.of("state.dir", state,
                "client.listen", clientListen, "agent.listen", agentListen));
        endpoints = Services.await(CONTEXT, HttpEndpoints.class);
    }

    @Override
    public void close() throws IOException {
        if (http != null) {
            stopHttp();
        }
        for (Configuration part : parts.reversed()) {
            part.delete();
        }
        awaitDatabaseClosed();
    }

    /**
     * Waits until the datastore has gone and Derby has closed its database (it removes its lock file then): a
     * database whose directory a test deletes while it is still open makes Derby stop the whole engine, and the
     * next coordinator in this framework could not open its own.
     */
    private void awaitDatabaseClosed() throws IOException {
        Services.awaitGone(CONTEXT, Datastore.class);
        Path lock = Path.of(state, "db", "db.lck");
        long deadline = System.nanoTime() + Services.TIMEOUT.toNanos();
        while (Files.exists(lock)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("Derby did not close the database under " + state + " within " + Services.TIMEOUT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for Derby to close its database");
            }
        }
    }
}
