package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator archive, unpacked and started as a process on ephemeral loopback ports. */
class CoordinatorProductTest {

    private static final Pattern CARRIERS = Pattern.compile("-Djdk\\.virtualThreadScheduler\\.parallelism=(\\d+)\\s");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void servesHealthzAndClientCommandsThenStopsOnSigterm(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-coordinator", temp);
        int clientPort = freePort();
        int agentPort = freePort();
        Path state = temp.resolve("state");
        try (RunningProcess coordinator = product.start("kiln", temp.resolve("coordinator.log"), Map.of(),
                "coordinator", "--state-dir", state.toString(),
                "--client-listen", "127.0.0.1:" + clientPort, "--agent-listen", "127.0.0.1:" + agentPort)) {
            coordinator.awaitUntil("the client API answers /healthz", START_TIMEOUT, () -> healthy(clientPort));
            assertTrue(healthy(agentPort), "the agent API answers /healthz too");
            assertTrue(Files.isDirectory(state), "the state directory exists");
            // Four carrier threads a core (as nproc counts them) for the virtual threads.
            assertTrue(coordinator.commandLines().stream()
                    .map(CARRIERS::matcher).filter(Matcher::find)
                    .anyMatch(carriers -> Integer.parseInt(carriers.group(1)) % 4 == 0
                            && Integer.parseInt(carriers.group(1)) >= 4),
                    String.join("\n", coordinator.commandLines()));
            String url = "http://127.0.0.1:" + clientPort;
            try (RunningProcess counts = product.start("kiln", temp.resolve("counts.log"), Map.of(),
                    "build", "counts", "--json", "--coordinator", url)) {
                assertEquals(0, counts.awaitExit(STOP_TIMEOUT), counts.output());
                assertTrue(counts.output().contains("\"total\":0"), counts.output());
            }
            try (RunningProcess agents = product.start("kiln", temp.resolve("agents.log"), Map.of(),
                    "agent", "list", "--json", "--coordinator", url)) {
                assertEquals(0, agents.awaitExit(STOP_TIMEOUT), agents.output());
                assertTrue(agents.output().contains("[]"), agents.output());
            }
            coordinator.terminate(STOP_TIMEOUT);
            assertTrue(coordinator.output().contains("Kiln coordinator ready"), coordinator.output());
        }
    }

    @Test
    void printsItsVersion(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-coordinator", temp);
        try (RunningProcess kiln = product.start("kiln", temp.resolve("version.log"), Map.of(), "--version")) {
            assertEquals(0, kiln.awaitExit(STOP_TIMEOUT), kiln.output());
            assertTrue(kiln.output().contains("kiln 0.1.0"), kiln.output());
        }
    }

    @Test
    void saysClearlyWhenNoJavaIsFound(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-coordinator", temp);
        Map<String, String> noJava = Map.of("JAVA_HOME", temp.resolve("missing").toString(),
                "PATH", toolsWithoutJava(temp.resolve("bin")).toString(),
                "KILN_JVM_DIRS", temp.resolve("missing").toString());
        try (RunningProcess kiln = product.start("kiln", temp.resolve("nojava.log"), noJava, "--version")) {
            assertEquals(1, kiln.awaitExit(STOP_TIMEOUT), kiln.output());
            assertTrue(kiln.output().startsWith("kiln: no Java 21 or newer found"), kiln.output());
        }
    }

    private boolean healthy(int port) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A directory with the tools the launcher script uses, and no java. */
    private static Path toolsWithoutJava(Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String tool : new String[] {"sh", "dirname", "readlink", "sed", "cp", "id", "mkdir", "rm", "ls", "head", "cat"}) {
            Path found = Stream.of("/usr/bin", "/bin").map(dir -> Path.of(dir, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new IOException(tool + " is not in /usr/bin or /bin"));
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        return bin;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
