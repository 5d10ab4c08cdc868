package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentService;
import dev.kiln.api.AllocationPlanService;
import dev.kiln.api.BuildGraphService;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.DerivationService;
import dev.kiln.api.EventService;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.Tag;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.transport.jetty.HttpEndpoints;

/**
 * The real HTTP server and binary cache components, configured through Configuration Admin on ephemeral loopback
 * ports, over the coordinator's services in memory.
 */
final class TestCoordinator implements AutoCloseable {

    static final long TIMEOUT_MILLIS = 30_000;

    final InMemoryCoordinator services = new InMemoryCoordinator();
    final HttpEndpoints endpoints;
    final Path stateDir;
    final HttpClient http = HttpClient.newHttpClient();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Configuration> configurations = new ArrayList<>();

    TestCoordinator(Path stateDir, long maxJsonBytes) throws Exception {
        this(stateDir, maxJsonBytes, Map.of());
    }

    /** @param http more properties of the HTTP server's configuration */
    TestCoordinator(Path stateDir, long maxJsonBytes, Map<String, Object> http) throws Exception {
        this.stateDir = stateDir;
        BundleContext context = FrameworkUtil.getBundle(TestCoordinator.class).getBundleContext();
        for (Class<?> type : List.of(BuildService.class, BuildGraphService.class, AgentBuildService.class,
                DerivationService.class, AllocationPlanService.class, EventService.class)) {
            registrations.add(context.registerService(type.getName(), services, new Hashtable<>()));
        }
        registrations.add(context.registerService(AgentService.class, services.agentService, new Hashtable<>()));
        ConfigurationAdmin admin = await(context, ConfigurationAdmin.class);
        configure(admin, "dev.kiln.cache", Map.of("state.dir", stateDir.toString()));
        Map<String, Object> properties = new HashMap<>(http);
        properties.putAll(Map.of("client.listen", "127.0.0.1:0", "agent.listen", "127.0.0.1:0",
                "state.dir", stateDir.toString(), "max.json.bytes", maxJsonBytes));
        configure(admin, "dev.kiln.transport.jetty", properties);
        endpoints = await(context, HttpEndpoints.class);
    }

    private void configure(ConfigurationAdmin admin, String pid, Map<String, Object> properties) throws IOException {
        Configuration configuration = admin.getConfiguration(pid, "?");
        configuration.update(new Hashtable<>(properties));
        configurations.add(configuration);
    }

    @Override
    public void close() throws Exception {
        for (Configuration configuration : configurations.reversed()) {
            configuration.delete();
        }
        registrations.forEach(ServiceRegistration::unregister);
        BundleContext context = FrameworkUtil.getBundle(TestCoordinator.class).getBundleContext();
        ServiceTracker<HttpEndpoints, HttpEndpoints> tracker = new ServiceTracker<>(context, HttpEndpoints.class, null);
        tracker.open();
        try {
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
            while (tracker.getService() != null && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            tracker.close();
        }
    }

    static <S> S await(BundleContext context, Class<S> type) throws InterruptedException {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        S service = tracker.waitForService(TIMEOUT_MILLIS);
        assertNotNull(service, type.getSimpleName() + " did not come up within " + TIMEOUT_MILLIS + " ms");
        return service;
    }

    URI client(String path) {
        return endpoints.clientApi().resolve(path);
    }

    URI agent(String path) {
        return endpoints.agentApi().resolve(path);
    }

    String token() throws IOException {
        return Files.readString(stateDir.resolve("client-token")).strip();
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    /** A request to the client API with the operator's token. */
    HttpRequest.Builder asClient(String path) throws IOException {
        return HttpRequest.newBuilder(client(path)).header("Authorization", "Bearer " + token());
    }

    /** A JSON POST with the operator's token. */
    HttpResponse<String> postJson(URI uri, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    AgentPassword newAgent(String name, String system) throws Exception {
        HttpResponse<String> created = postJson(client("/api/v1/agents"),
                "{\"name\":\"" + name + "\",\"systems\":[\"" + system + "\"]}");
        if (created.statusCode() != 201) {
            throw new AssertionError("creating an agent answered " + created.statusCode() + ": " + created.body());
        }
        return ProtocolJson.read(created.body().getBytes(), AgentPassword.class);
    }

    /** Submits a build of a derivation without inputs, straight to the services. */
    UUID submit(String name, Set<Tag> tags) {
        String path = "/nix/store/" + String.format("%032x", name.hashCode() & 0xffffffffL) + "-" + name + ".drv";
        DerivationSummary derivation = new DerivationSummary(path, "x86_64-linux",
                Map.of("out", path.substring(0, path.length() - 4)), Map.of(), Set.of(), "Derive()");
        return services.submit(new SubmitRequest(List.of(derivation), List.of(new BuildSubmission(path,
                SubmitOptions.DEFAULT.withTags(tags))))).get(0).buildId();
    }

    static String basic(AgentPassword agent) {
        return "Basic " + Base64.getEncoder().encodeToString((agent.id() + ":" + agent.password()).getBytes());
    }

    HttpRequest.Builder asAgent(AgentPassword agent, String path) {
        return HttpRequest.newBuilder(agent(path)).header("Authorization", basic(agent));
    }
}
