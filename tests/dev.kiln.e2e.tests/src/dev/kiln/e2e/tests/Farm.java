package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kiln.testing.RealNix;

/**
 * A build farm of the real products: the coordinator and agent archives unpacked, a coordinator on ephemeral loopback
 * ports with its own state directory, and agents started as processes, each with its own store and state. Closing
 * it kills every process it started.
 */
final class Farm implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final Path directory;
    private final Path coordinatorHome;
    private final Path agentHome;
    private final int clientPort;
    private final int agentPort;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> agents = new java.util.HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Farm(Path directory, Path coordinatorHome, Path agentHome, int clientPort, int agentPort) {
        this.directory = directory;
        this.coordinatorHome = coordinatorHome;
        this.agentHome = agentHome;
        this.clientPort = clientPort;
        this.agentPort = agentPort;
    }

    /** Unpacks the products into {@code directory} and starts the coordinator; returns once it serves. */
    static Farm start(Path directory) throws IOException, InterruptedException {
        return start(directory, List.of());
    }

    /** {@link #start(Path)} with more options for {@code kiln coordinator}, such as {@code --stall-timeout 5}. */
    static Farm start(Path directory, List<String> coordinatorOptions) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path products = Path.of(System.getProperty("kiln.products.dir", "missing"));
        Farm farm = new Farm(directory, unpack(products, "kiln-coordinator", directory),
                unpack(products, "kiln-agent", directory), freePort(), freePort());
        try {
            Path log = directory.resolve("coordinator.log");
            List<String> command = new ArrayList<>(List.of(farm.coordinatorHome.resolve("bin/kiln").toString(),
                    "coordinator", "--state-dir", farm.coordinatorState().toString(), "--client-listen",
                    "127.0.0.1:" + farm.clientPort, "--agent-listen", "127.0.0.1:" + farm.agentPort));
            command.addAll(coordinatorOptions);
            farm.launch(log, command, Map.of());
            awaitUntil("the coordinator serves /healthz", START_TIMEOUT, log, farm::healthy);
            return farm;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            farm.close();
            throw e;
        }
    }

    private static Path unpack(Path products, String name, Path into) throws IOException, InterruptedException {
        Path archive = products.resolve(name + "-linux.gtk.x86_64.tar.gz");
        assertTrue(Files.isRegularFile(archive), "the reactor built " + archive + " (system property kiln.products.dir)");
        List<String> tar = List.of("tar", "--warning=no-unknown-keyword", "-xzf", archive.toString(), "-C", into.toString());
        Command.run(into, Map.of(), COMMAND_TIMEOUT, tar).succeeded(tar);
        return into.resolve(name);
    }

    Path coordinatorLog() {
        return directory.resolve("coordinator.log");
    }

    Path coordinatorState() {
        return directory.resolve("coordinator-state");
    }

    String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    int agentPort() {
        return agentPort;
    }

    String agentUrl() {
        return "http://127.0.0.1:" + agentPort;
    }

    /** Runs {@code kiln ARGS --coordinator URL} from the coordinator product. */
    Command kiln(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(coordinatorHome.resolve("bin/kiln").toString());
        command.addAll(List.of(arguments));
        command.add("--coordinator");
        command.add(clientUrl());
        return Command.run(directory, Map.of(), COMMAND_TIMEOUT, command);
    }

    /** Runs a {@code kiln} command that must succeed and print JSON. */
    JsonNode kilnJson(String... arguments) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.add("--json");
        return JSON.readTree(kiln(all.toArray(String[]::new)).succeeded(all));
    }

    /**
     * The {@code .drv} files of these attributes of a Nix expression, made by {@code nix-instantiate} in the
     * {@code reference} store of a fresh {@link RealNix} under {@code directory}, by attribute.
     */
    static Map<String, Path> instantiate(Path directory, String expression, List<String> attributes)
            throws IOException {
        RealNix nix = RealNix.require(Files.createDirectories(directory));
        Path file = Files.writeString(nix.directory().resolve("builds.nix"), expression);
        Map<String, Path> drv = new HashMap<>();
        for (String attribute : attributes) {
            String path = nix.run("nix-instantiate", "--store", nix.store("reference"), "-A", attribute,
                    file.toString()).strip();
            drv.put(attribute, nix.storeFiles("reference").resolve(Path.of(path).getFileName()));
        }
        return drv;
    }

    /** Submits a {@code .drv} file with {@code kiln build submit} and these options; returns the build's id. */
    String submit(Path drv, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("build", "submit"));
        command.addAll(List.of(options));
        command.add(drv.toString());
        return kilnJson(command.toArray(String[]::new)).get(0).path("id").asText();
    }

    /**
     * Registers an agent with {@code kiln agent new} and starts {@code kiln-agent} with its native executor, in
     * bubblewrap, and a store of its own, whose files are under {@code <directory>/<name>/store} and whose paths say
     * {@code /nix/store}.
     */
    void startAgent(String name, String system, int slots) throws IOException, InterruptedException {
        startAgent(name, system, slots, List.of());
    }

    /**
     * {@link #startAgent(String, String, int)} with more options, such as {@code --features kvm}.
     *
     * @return the agent's id
     */
    String startAgent(String name, String system, int slots, List<String> options)
            throws IOException, InterruptedException {
        return startAgent(name, system, slots, options, agentUrl());
    }

    /** {@link #startAgent(String, String, int, List)} reaching the coordinator at {@code coordinatorUrl}. */
    String startAgent(String name, String system, int slots, List<String> options, String coordinatorUrl)
            throws IOException, InterruptedException {
        Path home = Files.createDirectories(directory.resolve(name));
        List<String> all = new ArrayList<>(List.of("--executor", "native", "--sandbox", "yes",
                "--store-root", Files.createDirectories(home.resolve("store")).toString()));
        all.addAll(options);
        return launchAgent(name, system, slots, coordinatorUrl, Map.of(), all);
    }

    /**
     * Registers an agent and starts {@code kiln-agent} with its Nix executor: Nix builds in a store of its own,
     * {@code local?root=<directory>/<name>/root}, whose paths say {@code /nix/store}.
     *
     * @param nixEnvironment the variables under which the agent's Nix runs (its configuration, its cache)
     * @param trustedKey     the only key whose signatures the agent's Nix accepts on narinfos
     * @return the root of the agent's Nix store
     */
    Path startNixAgent(String name, String system, int slots, Map<String, String> nixEnvironment, String trustedKey)
            throws IOException, InterruptedException {
        Path root = directory.resolve(name).resolve("root");
        launchAgent(name, system, slots, agentUrl(), nixEnvironment, List.of("--executor", "nix", "--trusted-public-key", trustedKey,
                "--store-root", Files.createDirectories(root.resolve("nix/store")).toString()));
        return root;
    }

    private String launchAgent(String name, String system, int slots, String coordinatorUrl,
            Map<String, String> environment, List<String> executorOptions) throws IOException, InterruptedException {
        JsonNode credentials = kilnJson("agent", "new", "--name", name, "--system", system);
        Path home = Files.createDirectories(directory.resolve(name));
        Path password = Files.writeString(home.resolve("password"), credentials.path("password").asText());
        List<String> command = new ArrayList<>(List.of(agentHome.resolve("bin/kiln-agent").toString(),
                "--coordinator", coordinatorUrl, "--id", credentials.path("id").asText(),
                "--password-file", password.toString(), "--state-dir", home.resolve("state").toString(),
                "--store-dir", "/nix/store", "--system", system, "--max-parallel-builds", Integer.toString(slots),
                "--idle-poll-millis", "200", "--heartbeat", "2", "--retry-initial", "200", "--retry-max", "2000"));
        command.addAll(executorOptions);
        agents.put(name, launch(home.resolve("agent.log"), command, environment));
        return credentials.path("id").asText();
    }

    /** Sends a signal ({@code STOP}, {@code CONT}) to an agent's process and every process it started. */
    void signalAgent(String name, String signal) throws IOException, InterruptedException {
        Process agent = agents.get(name);
        List<String> kill = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(agent.pid())));
        agent.descendants().forEach(process -> kill.add(Long.toString(process.pid())));
        Command.run(directory, Map.of(), COMMAND_TIMEOUT, kill).succeeded(kill);
    }

    Path agentLog(String name) {
        return directory.resolve(name).resolve("agent.log");
    }

    private Process launch(Path log, List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (!environment.isEmpty()) {
            // Nix reads its NIX_* variables from the test's environment too: only the given ones may reach it.
            builder.environment().keySet().removeIf(variable -> variable.startsWith("NIX_"));
            builder.environment().putAll(environment);
        }
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** {@code GET} on the client API, as JSON. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(clientUrl() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A build as the client API shows it; a coordinator that does not answer is an error. */
    JsonNode build(String id) {
        try {
            return get("/api/v1/builds/" + id);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The logs of the coordinator and the agents, to explain a failure. */
    String logs() throws IOException {
        StringBuilder text = new StringBuilder();
        try (var files = Files.find(directory, 2, (path, attributes) -> path.toString().endsWith(".log"))) {
            for (Path log : files.toList()) {
                String content = Files.readString(log);
                text.append("==> ").append(log.getFileName()).append(" <==\n")
                        .append(content, Math.max(0, content.length() - 6000), content.length()).append('\n');
            }
        }
        return text.toString();
    }

    private boolean healthy() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(clientUrl() + "/healthz")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for a condition of the farm, failing with every log of the farm after {@code timeout}. */
    void await(String what, Duration timeout, BooleanSupplier condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " within " + timeout.toSeconds() + " s:\n" + logs());
            }
            Thread.sleep(200);
        }
    }

    static void awaitUntil(String what, Duration timeout, Path log, BooleanSupplier condition)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " within " + timeout.toSeconds() + " s; " + log + ":\n"
                        + (Files.exists(log) ? Files.readString(log) : "(none)"));
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process process : processes.reversed()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
