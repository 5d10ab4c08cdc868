package dev.kiln.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.testing.StateDirectories;
import dev.kiln.transport.jetty.HttpEndpoints;

/** Runs {@code kiln coordinator} inside the test framework, with the coordinator feature's real components. */
class CoordinatorCommandTest {

    private static final long TIMEOUT_SECONDS = 60;

    private final BundleContext bundles = FrameworkUtil.getBundle(CoordinatorCommandTest.class).getBundleContext();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final KilnCommandLine commandLine =
            new KilnCommandLine(bundles, new PrintWriter(out, true), new PrintWriter(err, true));

    @Test
    void startsEveryComponentServesHealthzAndStopsCleanly() throws Exception {
        Path temp = StateDirectories.create("kiln-coordinator-command-");
        Path state = temp.resolve("state");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.run("coordinator",
                "--state-dir", state.toString(), "--store-dir", "/gnu/store", "--key-name", "farm-a-1",
                "--client-listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0"),
                // A thread of its own: the coordinator runs until stopped, and must not hold the common pool.
                task -> Thread.ofPlatform().name("kiln-coordinator-command").start(task));

        HttpEndpoints endpoints = awaitService(HttpEndpoints.class);
        assertTrue(Files.isDirectory(state), "the state directory is created");
        HttpClient http = HttpClient.newHttpClient();
        for (URI base : List.of(endpoints.clientApi(), endpoints.agentApi())) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), base + "/healthz");
        }
        HttpResponse<String> cacheInfo = http.send(HttpRequest.newBuilder(endpoints.clientApi().resolve("/nix-cache-info"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(cacheInfo.body().contains("StoreDir: /gnu/store"), "--store-dir reaches the cache: " + cacheInfo.body());
        HttpResponse<String> cache = http.send(HttpRequest.newBuilder(endpoints.clientApi().resolve("/api/v1/cache"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(cache.body().contains("\"publicKey\":\"farm-a-1:"), "--key-name names the key: " + cache.body());
        StringWriter secondErr = new StringWriter();
        assertEquals(KilnCommandLine.EXIT_FAILURE, new KilnCommandLine(bundles, new PrintWriter(new StringWriter()),
                new PrintWriter(secondErr, true)).run("coordinator", "--state-dir", state.toString(),
                "--client-listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0"));
        assertTrue(secondErr.toString().startsWith("kiln: another coordinator runs on the state directory " + state),
                secondErr.toString());
        assertEquals(1, secondErr.toString().lines().count(), secondErr.toString());
        List<String> kilnComponents = activeKilnComponents();
        assertTrue(kilnComponents.contains("dev.kiln.transport.jetty.internal.JettyHttpServer"), kilnComponents.toString());

        commandLine.stop();
        assertEquals(0, exit.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), err.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!activeKilnComponents().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), activeKilnComponents(), "stopping the coordinator deactivates its components");

        assertEquals(KilnCommandLine.EXIT_USAGE, commandLine.run("coordinator", "--state-dir", state.toString(),
                "--client-listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0", "--key-name", "farm-b-1"));
        assertTrue(err.toString().contains("the state directory's key is named farm-a-1"), err.toString());
        assertEquals(0, commandLine.run("cache", "rotate-key", "--state-dir", state.toString()), err.toString());
        assertTrue(out.toString().startsWith("farm-a-2:"), out.toString());
        assertEquals(List.of("farm-a-1.secret"), List.of(state.resolve("keys/previous").toFile().list()));
        StateDirectories.delete(temp);
    }

    @Test
    void saysWhichAddressIsInUseInOneLine(@TempDir Path temp) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            int exit = commandLine.run("coordinator", "--state-dir", temp.resolve("state").toString(),
                    "--client-listen", address, "--agent-listen", "127.0.0.1:0");
            assertEquals(KilnCommandLine.EXIT_FAILURE, exit);
            assertEquals("kiln: cannot listen on " + address + " (--client-listen): the address is in use, or not "
                    + "this machine's", err.toString().strip());
        }
    }

    @Test
    void refusesAMalformedListenAddressInOneLine() {
        int exit = commandLine.run("coordinator", "--client-listen", "nowhere");
        assertEquals(KilnCommandLine.EXIT_USAGE, exit);
        String firstLine = err.toString().lines().findFirst().orElse("");
        assertEquals("kiln: --client-listen: 'nowhere' is not HOST:PORT", firstLine);
    }

    @Test
    void refusesARelativeStoreDirectory() {
        assertEquals(KilnCommandLine.EXIT_USAGE, commandLine.run("coordinator", "--store-dir", "nix/store"));
        assertTrue(err.toString().startsWith("kiln: --store-dir: 'nix/store' is not an absolute directory"), err.toString());
    }

    @Test
    void refusesAnUnknownAllocationStrategy() {
        int exit = commandLine.run("coordinator", "--allocation-strategy", "random");
        assertEquals(KilnCommandLine.EXIT_USAGE, exit);
        assertTrue(err.toString().contains("'random' is neither basic nor derivation-ordered"), err.toString());
    }

    @Test
    void reportsAStateDirectoryThatCannotBeCreated(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "not a directory");
        int exit = commandLine.run("coordinator", "--state-dir", file.resolve("state").toString());
        assertEquals(KilnCommandLine.EXIT_FAILURE, exit);
        assertTrue(err.toString().startsWith("kiln: cannot create the state directory"), err.toString());
    }

    @Test
    void reportsACacheStoreThatCannotBeReachedInOneLine() throws Exception {
        Path temp = StateDirectories.create("kiln-coordinator-store-");
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        System.setProperty("aws.accessKeyId", "kiln");
        System.setProperty("aws.secretAccessKey", "kiln-secret");
        int exit;
        try {
            exit = commandLine.run("coordinator", "--state-dir", temp.resolve("state").toString(),
                    "--client-listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0",
                    "--cache-store", "s3://kiln-cache/farm?endpoint=http://127.0.0.1:" + closed);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        assertEquals(KilnCommandLine.EXIT_FAILURE, exit);
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).contains("the cache store s3://kiln-cache/farm/ at http://127.0.0.1:" + closed
                + " cannot be used"), lines.get(0));
        StateDirectories.delete(temp);
    }

    @Test
    void withoutACommandSaysOneIsRequired() {
        assertEquals(KilnCommandLine.EXIT_USAGE, commandLine.run());
        assertTrue(err.toString().startsWith("kiln: a command is required"), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }

    private List<String> activeKilnComponents() throws InterruptedException {
        ServiceComponentRuntime runtime = awaitService(ServiceComponentRuntime.class);
        return runtime.getComponentDescriptionDTOs().stream()
                .filter(description -> description.name.startsWith("dev.kiln."))
                // Stateless services without configuration (the allocation strategies) may stay; what the command
                // configured must go.
                .filter(description -> "require".equals(description.configurationPolicy))
                .filter(description -> isActive(runtime, description))
                .map(description -> description.name)
                .toList();
    }

    private static boolean isActive(ServiceComponentRuntime runtime, ComponentDescriptionDTO description) {
        return runtime.getComponentConfigurationDTOs(description).stream()
                .anyMatch(configuration -> configuration.state == ComponentConfigurationDTO.ACTIVE);
    }

    private <S> S awaitService(Class<S> type) throws InterruptedException {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(bundles, type, null);
        tracker.open();
        S service = tracker.waitForService(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        assertNotNull(service, "no " + type.getSimpleName() + " within " + TIMEOUT_SECONDS + " s");
        return service;
    }
}
