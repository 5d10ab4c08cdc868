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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.kiln.testing.ExampleHooks;
import dev.kiln.testing.RealNix;

/**
 * Hook bundles hot-deployed into a running coordinator product: the example webhook dropped into its hooks directory
 * waits for its URL, is given it by {@code kiln hook configure}, then posts the farm's events to a receiver of the
 * test's; a changed version replaces it, and removing the jar stops it;
 * the example tagger tags a build that a real agent built, and every client sees the tag.
 */
class HookProductTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theWebhookIsDeployedConfiguredReplacedAndRemovedWithoutARestart(@TempDir Path temp) throws Exception {
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
        try (RunningProcess coordinator = product.start("kiln", temp.resolve("coordinator.log"), Map.of(),
                "coordinator", "--state-dir", state.toString(), "--client-listen", "127.0.0.1:" + clientPort,
                "--agent-listen", "127.0.0.1:" + CoordinatorProductTest.freePort())) {
            coordinator.awaitUntil("the coordinator is ready", TIMEOUT, () -> coordinator.output().contains("Kiln coordinator ready"));

            Files.copy(ExampleHooks.jar("webhook"), hooks.resolve("webhook.jar"));
            coordinator.awaitUntil("the webhook waits for its URL", TIMEOUT,
                    () -> kiln(product, temp, "hook", "list", "--coordinator", coordinatorUrl).contains("no webhook URL"));
            String configured = kiln(product, temp, "hook", "configure", "webhook.jar",
                    "url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/events", "--coordinator",
                    coordinatorUrl);
            assertTrue(configured.contains("webhook.jar: runs"), configured);
            assertTrue(kiln(product, temp, "hook", "list", "--json", "--coordinator", coordinatorUrl)
                    .contains("\"name\":\"webhook\""), "configured, the webhook is listed at once");
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

    @Test
    void theTaggerTagsASucceededBuildAndEveryClientSeesTheTag(@TempDir Path temp) throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        String drv = nix.instantiate(nix.store("source"), """
                [ (derivation { name = "tagged"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ]; }) ]
                """).get(0);
        Path drvFile = nix.storeFiles("source").resolve(drv.substring("/nix/store/".length()));
        Product product = Product.unpack("kiln-coordinator", temp);
        Product agentProduct = Product.unpack("kiln-agent", temp);
        Path state = temp.resolve("state");
        Files.copy(ExampleHooks.jar("tagger"), Files.createDirectories(state.resolve("hooks")).resolve("tagger.jar"));
        int clientPort = CoordinatorProductTest.freePort();
        int agentPort = CoordinatorProductTest.freePort();
        String coordinatorUrl = "http://127.0.0.1:" + clientPort;
        try (RunningProcess coordinator = product.start("kiln", temp.resolve("coordinator.log"), Map.of(),
                "coordinator", "--state-dir", state.toString(), "--client-listen", "127.0.0.1:" + clientPort,
                "--agent-listen", "127.0.0.1:" + agentPort)) {
            coordinator.awaitUntil("the coordinator is ready", TIMEOUT, () -> coordinator.output().contains("Kiln coordinator ready"));
            coordinator.awaitUntil("the tagger is deployed", TIMEOUT,
                    () -> kiln(product, temp, "hook", "list", "--json", "--coordinator", coordinatorUrl).contains("\"name\":\"tagger\""));
            Matcher credentials = Pattern.compile("\"id\":\"([0-9a-f-]{36})\",\"password\":\"([^\"]+)\"").matcher(
                    kiln(product, temp, "agent", "new", "--name", "builder", "--json", "--coordinator", coordinatorUrl));
            assertTrue(credentials.find(), "an agent is created");
            Path password = Files.writeString(temp.resolve("agent-password"), credentials.group(2));
            try (RunningProcess agent = agentProduct.start("kiln-agent", temp.resolve("agent.log"), Map.of(),
                    "--coordinator", "http://127.0.0.1:" + agentPort, "--id", credentials.group(1),
                    "--password-file", password.toString(), "--state-dir", temp.resolve("agent-state").toString(),
                    "--store-dir", "/nix/store", "--store-root", Files.createDirectories(temp.resolve("agent-store"))
                            .toString(), "--sandbox", "yes", "--idle-poll-millis", "200", "--heartbeat", "2")) {
                Matcher submitted = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(kiln(product, temp,
                        "build", "submit", drvFile.toString(), "--json", "--coordinator", coordinatorUrl));
                assertTrue(submitted.find(), "the build is submitted");
                String build = submitted.group(1);
                coordinator.awaitUntil("the build succeeds and is tagged", TIMEOUT, () -> {
                    String shown = kiln(product, temp, "build", "show", build, "--json", "--coordinator", coordinatorUrl);
                    return shown.contains("\"state\":\"succeeded\"") && shown.contains("\"checked-by\":\"tagger\"");
                });
                String listed = kiln(product, temp, "build", "list", "--tag", "checked-by=tagger", "--json",
                        "--coordinator", coordinatorUrl);
                assertTrue(listed.contains(build), "the API finds the build by the hook's tag: " + listed);
                agent.terminate(Duration.ofSeconds(30));
            }
            assertTrue(coordinator.isAlive(), "the coordinator ran throughout");
        }
    }

    /** Runs the product's {@code kiln} command and returns what it printed; a failure is an empty answer. */
    static String kiln(Product product, Path temp, String... args) {
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
