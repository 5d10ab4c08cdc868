package dev.kiln.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.LocalToken;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.testing.StateDirectories;
import dev.kiln.transport.jetty.HttpEndpoints;

/**
 * A coordinator run by {@code kiln coordinator} inside the test framework, on loopback ports chosen by the system, and
 * {@code kiln} commands run against it. One at a time: the coordinator's components are configured singletons.
 */
final class RunningCoordinator implements AutoCloseable {

    static final long TIMEOUT_SECONDS = 60;
    static final BundleContext BUNDLES = FrameworkUtil.getBundle(RunningCoordinator.class).getBundleContext();

    /** What one command did. */
    record Run(int exit, String out, String err) {
    }

    private final KilnCommandLine commandLine;
    private final CompletableFuture<Integer> running;
    private final HttpEndpoints endpoints;

    /** Starts a coordinator with its state in {@code stateDir} and these more options, and waits until it is up. */
    RunningCoordinator(Path stateDir, String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("coordinator", "--state-dir", stateDir.toString(),
                "--client-listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0"));
        arguments.addAll(List.of(options));
        StringWriter err = new StringWriter();
        commandLine = new KilnCommandLine(BUNDLES, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        running = CompletableFuture.supplyAsync(() -> commandLine.run(arguments.toArray(String[]::new)),
                // A thread of its own: the coordinator runs until stopped, and must not hold the common pool.
                task -> Thread.ofPlatform().name("kiln-coordinator-command").start(task));
        ServiceTracker<HttpEndpoints, HttpEndpoints> tracker = new ServiceTracker<>(BUNDLES, HttpEndpoints.class, null);
        tracker.open();
        try {
            endpoints = tracker.waitForService(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        } finally {
            tracker.close();
        }
        assertNotNull(endpoints, "the coordinator did not come up: " + err);
    }

    URI clientApi() {
        return endpoints.clientApi();
    }

    URI agentApi() {
        return endpoints.agentApi();
    }

    /** A new agent of the coordinator for the system, by {@code kiln agent new}, and a client of the agent API as it. */
    KilnAgentClient agent(String system) {
        Run created = kiln("agent", "new", "--coordinator", clientApi().toString(), "--name", system, "--system", system,
                "--json");
        assertEquals(0, created.exit(), created.err());
        Matcher matcher = Pattern.compile("\"id\":\"([^\"]+)\",\"password\":\"([^\"]+)\"").matcher(created.out());
        assertTrue(matcher.find(), created.out());
        return new KilnAgentClient(agentApi(), UUID.fromString(matcher.group(1)), matcher.group(2));
    }

    /** Fetches until the build is allocated to the agent: the allocator plans it in the background. */
    static UUID fetch(KilnAgentClient agent, String system, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        List<UUID> fetched = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (FetchedBuild build : agent.fetch(List.of(system), 1, 0.0)) {
                fetched.add(build.id());
            }
            if (fetched.contains(UUID.fromString(id))) {
                return UUID.fromString(id);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("build " + id + " was not handed to the agent within " + TIMEOUT_SECONDS + " s; got " + fetched);
    }

    /** Runs a {@code kiln} command line in the test framework. */
    static Run kiln(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new KilnCommandLine(BUNDLES, new PrintWriter(out, true), new PrintWriter(err, true)).run(arguments);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * Runs {@code action} as another user of the machine would: without the token a coordinator on {@code clientApi}
     * leaves for its own user.
     */
    static <T> T withoutLocalToken(URI clientApi, Callable<T> action) throws Exception {
        Path local = LocalToken.file(clientApi.getPort());
        Path hidden = local.resolveSibling("hidden");
        Files.move(local, hidden);
        try {
            return action.call();
        } finally {
            Files.move(hidden, local);
        }
    }

    /** Stops a coordinator, if it started, then deletes the test's directory. */
    static void stop(RunningCoordinator coordinator, Path temporary) throws Exception {
        try {
            if (coordinator != null) {
                coordinator.close();
            }
        } finally {
            StateDirectories.delete(temporary);
        }
    }

    @Override
    public void close() throws Exception {
        commandLine.stop();
        running.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
