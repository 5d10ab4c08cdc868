package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.kiln.testing.ExampleHooks;

/**
 * Hook bundles hot-deployed into a running coordinator product: the example webhook dropped into its hooks directory
 * posts the farm's events to a receiver of the test's, a changed version replaces it, and removing the jar stops it.
 */
class HookProductTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theWebhookIsDeployedReplacedAndRemovedWithoutARestart(@TempDir Path temp) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/events", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Product product = Product.unpack("kiln-coordinator", temp);
        Path state = temp.resolve("state");
        Path hooks = Files.createDirectories(state.resolve("hooks"));
        int clientPort = CoordinatorProductTest.freePort();
        String coordinatorUrl = "http://127.0.0.1:" + clientPort;
        Map<String, String> environment = Map.of("KILN_HOOKS_WEBHOOK_URL",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events");
        try (RunningProcess coordinator = product.start("kiln", temp.resolve("coordinator.log"), environment,
                "coordinator", "--state-dir", state.toString(), "--client-listen", "127.0.0.1:" + clientPort,
                "--agent-listen", "127.0.0.1:" + CoordinatorProductTest.freePort())) {
            coordinator.awaitUntil("the coordinator is ready", TIMEOUT, () -> coordinator.output().contains("Kiln coordinator ready"));

            Files.copy(ExampleHooks.jar("webhook"), hooks.resolve("webhook.jar"));
            coordinator.awaitUntil("the webhook is deployed", TIMEOUT,
                    () -> kiln(product, temp, "hook", "list", "--json", "--coordinator", coordinatorUrl).contains("\"name\":\"webhook\""));
            kiln(product, temp, "agent", "new", "--name", "first", "--coordinator", coordinatorUrl);
            coordinator.awaitUntil("the webhook posts the agent-created event", TIMEOUT,
                    () -> received.stream().anyMatch(event -> event.contains("\"type\":\"agent-created\"")));

            Path changed = temp.resolve("webhook-changed.jar");
            ExampleHooks.withVersion(ExampleHooks.jar("webhook"), changed, "0.1.1.changed");
            Files.move(changed, hooks.resolve("webhook.jar"), StandardCopyOption.REPLACE_EXISTING);
            coordinator.awaitUntil("the changed webhook replaces the first", TIMEOUT,
                    () -> kiln(product, temp, "hook", "list", "--json", "--coordinator", coordinatorUrl).contains("0.1.1.changed"));
            int before = received.size();
            kiln(product, temp, "agent", "new", "--name", "second", "--coordinator", coordinatorUrl);
            coordinator.awaitUntil("the changed webhook posts too", TIMEOUT, () -> received.size() > before);

            Files.delete(hooks.resolve("webhook.jar"));
            coordinator.awaitUntil("the webhook is removed", TIMEOUT,
                    () -> !kiln(product, temp, "hook", "list", "--json", "--coordinator", coordinatorUrl).contains("webhook"));
            int afterRemoval = received.size();
            kiln(product, temp, "agent", "new", "--name", "third", "--coordinator", coordinatorUrl);
            Thread.sleep(3_000);
            assertEquals(afterRemoval, received.size(), "a removed hook is told nothing: " + received);
            assertTrue(coordinator.isAlive(), "the coordinator ran throughout");
        } finally {
            receiver.stop(0);
        }
    }

    /** Runs the product's {@code kiln} command and returns what it printed; a failure is an empty answer. */
    private static String kiln(Product product, Path temp, String... args) {
        try {
            Path log = Files.createTempFile(temp, "kiln", ".log");
            try (RunningProcess kiln = product.start("kiln", log, Map.of(), args)) {
                return kiln.awaitExit(TIMEOUT) == 0 ? kiln.output() : "";
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
