package dev.kiln.products.tests;

import static dev.kiln.products.tests.HookProductTest.kiln;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.testing.RealNix;

/**
 * SIGTERM stops an agent in the middle of a build, then the coordinator while a client follows that build's log, as a
 * service manager stops them: each says what it does and prints no stack trace.
 */
class OrderlyStopProductTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** A line of a Java stack trace, or the line that begins one. */
    private static final Pattern STACK_TRACE = Pattern.compile(
            "(?m)^\\s+at [\\w$.]+\\(.*\\)$|^Caused by: |^Exception in thread |^\\S+(Exception|Error): ");

    @Test
    void theAgentAndTheCoordinatorStopOnSigtermWithoutAStackTrace(@TempDir Path temp) throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        String drv = nix.instantiate(nix.store("source"), """
                [ (derivation { name = "sleeps"; system = "x86_64-linux"; builder = "/bin/sleep"; args = [ "600" ]; }) ]
                """).get(0);
        Path drvFile = nix.storeFiles("source").resolve(drv.substring("/nix/store/".length()));
        Product product = Product.unpack("kiln-coordinator", temp);
        Product agentProduct = Product.unpack("kiln-agent", temp);
        int clientPort = CoordinatorProductTest.freePort();
        int agentPort = CoordinatorProductTest.freePort();
        String url = "http://127.0.0.1:" + clientPort;
        try (RunningProcess coordinator = product.start("kiln", temp.resolve("coordinator.log"), Map.of(),
                "coordinator", "--state-dir", temp.resolve("state").toString(), "--client-listen",
                "127.0.0.1:" + clientPort, "--agent-listen", "127.0.0.1:" + agentPort)) {
            coordinator.awaitUntil("the coordinator is ready", TIMEOUT,
                    () -> coordinator.output().contains("Kiln coordinator ready"));
            Matcher credentials = Pattern.compile("\"id\":\"([0-9a-f-]{36})\",\"password\":\"([^\"]+)\"").matcher(
                    kiln(product, temp, "agent", "new", "--name", "stopping", "--json", "--coordinator", url));
            assertTrue(credentials.find(), "an agent is created");
            Path password = Files.writeString(temp.resolve("agent-password"), credentials.group(2));
            Matcher submitted = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(
                    kiln(product, temp, "build", "submit", drvFile.toString(), "--json", "--coordinator", url));
            assertTrue(submitted.find(), "the build is submitted");
            String build = submitted.group(1);

            try (RunningProcess agent = agentProduct.start("kiln-agent", temp.resolve("agent.log"), Map.of(),
                    "--coordinator", "http://127.0.0.1:" + agentPort, "--id", credentials.group(1),
                    "--password-file", password.toString(), "--state-dir", temp.resolve("agent-state").toString(),
                    "--store-dir", "/nix/store", "--store-root", Files.createDirectories(temp.resolve("agent-store"))
                            .toString(), "--sandbox", "yes", "--stop-timeout", "1", "--idle-poll-millis", "200",
                    "--heartbeat", "2")) {
                coordinator.awaitUntil("the build starts", TIMEOUT, () -> kiln(product, temp, "build", "show", build,
                        "--json", "--coordinator", url).contains("\"state\":\"started\""));
                agent.terminate(TIMEOUT);
                assertNoStackTrace("the agent", agent.output());
                assertTrue(agent.output().contains("Handing back 1 unfinished builds")
                        && agent.output().contains("Agent stopped"), agent.output());
            }

            try (RunningProcess follower = product.start("kiln", temp.resolve("follow.log"), Map.of(),
                    "build", "log", build, "--follow", "--coordinator", url)) {
                coordinator.awaitUntil("the follower is connected", TIMEOUT, () -> follower.output()
                        .contains("=== kiln: attempt 1 on agent stopping at "));
                coordinator.terminate(TIMEOUT);
                follower.awaitExit(TIMEOUT);
                assertNoStackTrace("the follower", follower.output());
            }
            assertNoStackTrace("the coordinator", coordinator.output());
        }
    }

    private static void assertNoStackTrace(String who, String output) {
        List<String> traces = STACK_TRACE.matcher(output).results().map(java.util.regex.MatchResult::group).toList();
        assertTrue(traces.isEmpty(), who + " printed a stack trace at an orderly stop: " + traces + "\n" + output);
    }
}
