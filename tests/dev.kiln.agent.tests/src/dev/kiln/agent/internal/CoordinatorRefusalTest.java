package dev.kiln.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.kiln.execution.BuildResult;
import picocli.CommandLine;

/**
 * The agent process against an agent API that refuses it: at the start, a wrong password or an address that is no
 * agent API ends it with its own exit code; later, a new password written to the password file is taken without a
 * restart.
 */
class CoordinatorRefusalTest {

    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path temporary;

    private HttpServer server;
    private volatile String acceptedPassword = "first";
    private volatile boolean agentApi = true;
    /** The passwords of the fetches answered. */
    private final Set<String> fetchedWith = new CopyOnWriteArraySet<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (!agentApi) {
                send(exchange, 404, "{\"error\":\"not found\",\"detail\":\"" + path + "\"}");
                return;
            }
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            String credentials = new String(Base64.getDecoder().decode(header.substring("Basic ".length())),
                    StandardCharsets.UTF_8);
            String password = credentials.substring(credentials.indexOf(':') + 1);
            if (!password.equals(acceptedPassword)) {
                send(exchange, 401, "{\"error\":\"unauthorized\",\"detail\":\"wrong password\"}");
            } else if (path.endsWith("/fetch")) {
                fetchedWith.add(password);
                send(exchange, 200, "{\"builds\":[]}");
            } else if (path.endsWith("/status")) {
                send(exchange, 200, "{\"abandon\":[]}");
            } else {
                exchange.sendResponseHeaders(204, -1);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private record Agent(AgentCommand command, CompletableFuture<Integer> exit, StringWriter err) {
    }

    private Agent startAgent(String password) throws IOException {
        Path passwordFile = Files.writeString(temporary.resolve("password"), password + "\n");
        AgentCommand command = new AgentCommand(name -> request -> BuildResult.failure(BuildResult.Status.FAILED,
                "no builds in this test", Duration.ZERO));
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(command).setErr(new PrintWriter(err, true));
        List<String> arguments = new ArrayList<>(List.of("--coordinator",
                "http://127.0.0.1:" + server.getAddress().getPort(), "--id", UUID.randomUUID().toString(),
                "--password-file", passwordFile.toString(), "--state-dir", temporary.resolve("state").toString(),
                "--store-dir", temporary.resolve("store").toString(), "--sandbox", "no", "--retry-initial", "50",
                "--retry-max", "200", "--idle-poll-millis", "50", "--stop-timeout", "1"));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> commandLine.execute(arguments.toArray(String[]::new)));
        return new Agent(command, exit, err);
    }

    @Test
    void aWrongPasswordAtTheStartEndsTheAgentWithItsOwnExitCode() throws Exception {
        acceptedPassword = "right";
        Agent agent = startAgent("wrong");
        assertEquals(ConnectionState.EXIT_REFUSED, agent.exit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                agent.err().toString());
    }

    @Test
    void anAddressThatIsNoAgentApiEndsTheAgentWithItsOwnExitCode() throws Exception {
        agentApi = false;
        Agent agent = startAgent("first");
        assertEquals(ConnectionState.EXIT_NOT_AN_AGENT_API, agent.exit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                agent.err().toString());
    }

    @Test
    void aNewPasswordWrittenToThePasswordFileIsTakenWithoutARestart() throws Exception {
        Agent agent = startAgent("first");
        await(() -> fetchedWith.contains("first"), "the agent fetches with its first password");

        acceptedPassword = "second";
        Files.writeString(temporary.resolve("password"), "second\n");

        await(() -> fetchedWith.contains("second"), "the agent fetches with the password written to its file");
        assertFalse(agent.exit().isDone(), "the agent kept running");
        agent.command().stop();
        assertEquals(0, agent.exit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS), agent.err().toString());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }
}
