package dev.kiln.desktop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.kiln.desktop.model.ClientConnection;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.NewAgentBody;

/**
 * Agents of the real agent product, the archive the reactor built, run as processes against a coordinator: each is
 * registered through the client API and builds with its native executor into a store of its own whose paths say
 * {@code /nix/store}. Closing stops every agent it started.
 */
final class AgentProducts implements AutoCloseable {

    private final Path directory;
    private final Path home;
    private final URI agentApi;
    private final List<Process> processes = new ArrayList<>();

    /** Unpacks the agent archive under {@code directory}. */
    AgentProducts(Path directory, URI agentApi) throws IOException, InterruptedException {
        this.directory = Files.createDirectories(directory);
        this.agentApi = agentApi;
        Path archive = Path.of(System.getProperty("kiln.products.dir", "missing"))
                .resolve("kiln-agent-linux.gtk.x86_64.tar.gz");
        assertTrue(Files.isRegularFile(archive), "the reactor built " + archive + " (system property kiln.products.dir)");
        Process tar = new ProcessBuilder("tar", "--warning=no-unknown-keyword", "-xzf", archive.toString(), "-C",
                directory.toString()).redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes());
        assertTrue(tar.waitFor(120, TimeUnit.SECONDS), "tar finished");
        assertEquals(0, tar.exitValue(), output);
        home = directory.resolve("kiln-agent");
    }

    /**
     * Registers an agent and starts it.
     *
     * @param options more options of {@code kiln-agent}, such as {@code --features kvm}
     * @return the agent's id
     */
    UUID start(ClientConnection client, String name, String system, int slots, List<String> options)
            throws Exception {
        AgentPassword credentials = client.createAgent(new NewAgentBody(name, "", List.of(system), Map.of()));
        Path agentHome = Files.createDirectories(directory.resolve(name));
        Path password = Files.writeString(agentHome.resolve("password"), credentials.password());
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kiln-agent").toString(),
                "--coordinator", agentApi.toString(), "--id", credentials.id().toString(),
                "--password-file", password.toString(), "--state-dir", agentHome.resolve("state").toString(),
                "--store-dir", "/nix/store", "--store-root", Files.createDirectories(agentHome.resolve("store")).toString(),
                "--executor", "native", "--system", system, "--max-parallel-builds", Integer.toString(slots),
                "--idle-poll-millis", "200", "--heartbeat", "2", "--retry-initial", "200", "--retry-max", "2000"));
        command.addAll(options);
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(agentHome.resolve("agent.log").toFile()).start());
        return credentials.id();
    }

    /** The end of each agent's log, to explain a failure. */
    String logs() {
        StringBuilder text = new StringBuilder();
        try (var homes = Files.list(directory)) {
            for (Path log : homes.map(home -> home.resolve("agent.log")).filter(Files::isRegularFile).toList()) {
                String content = Files.readString(log);
                text.append("==> ").append(log).append(" <==\n")
                        .append(content, Math.max(0, content.length() - 3000), content.length()).append('\n');
            }
        } catch (IOException e) {
            text.append("(the agents' logs cannot be read: ").append(e.getMessage()).append(")\n");
        }
        return text.toString();
    }

    /** Kills every agent and what it runs, and waits until they are gone, so that their files can be deleted. */
    @Override
    public void close() {
        List<ProcessHandle> killed = new ArrayList<>();
        for (Process process : processes.reversed()) {
            process.descendants().forEach(killed::add);
            killed.add(process.toHandle());
        }
        killed.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : killed) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("agent process " + process.pid() + " did not exit", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
