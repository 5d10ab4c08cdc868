package dev.kiln.desktop.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.KilnClient;
import dev.kiln.desktop.model.Agent;
import dev.kiln.desktop.model.AgentCredentials;
import dev.kiln.desktop.model.AgentPlan;
import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.BuildFilter;
import dev.kiln.desktop.model.BuildPage;
import dev.kiln.desktop.model.Derivation;
import dev.kiln.desktop.model.EventListener;
import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.Hook;
import dev.kiln.desktop.model.LogListener;
import dev.kiln.desktop.model.NewAgent;
import dev.kiln.desktop.model.SubmitOutcome;
import dev.kiln.desktop.model.Subscription;

/**
 * A connection through {@link KilnClient}, which so far offers only the health check: the coordinator's reachability
 * is real, every other call says that this client cannot make it yet.
 */
final class HealthCheckConnection implements FarmConnection {

    private final KilnClient client;

    HealthCheckConnection(URI coordinator) {
        client = new KilnClient(coordinator);
    }

    @Override
    public URI coordinator() {
        return client.coordinator();
    }

    @Override
    public void probe() throws FarmException {
        try {
            client.checkHealth();
        } catch (CoordinatorUnreachableException e) {
            throw new FarmException(FarmException.Kind.COORDINATOR_DOWN, e.getMessage(), e);
        }
    }

    @Override
    public BuildPage listBuilds(BuildFilter filter, String cursor, int limit) throws FarmException {
        throw unavailable();
    }

    @Override
    public Build build(UUID id) throws FarmException {
        throw unavailable();
    }

    @Override
    public Derivation derivation(String path) throws FarmException {
        throw unavailable();
    }

    @Override
    public String log(UUID build) throws FarmException {
        throw unavailable();
    }

    @Override
    public Subscription followLog(UUID build, LogListener listener) throws FarmException {
        throw unavailable();
    }

    @Override
    public Build cancel(UUID build) throws FarmException {
        throw unavailable();
    }

    @Override
    public Build retry(UUID build) throws FarmException {
        throw unavailable();
    }

    @Override
    public Build setPriority(UUID build, int priority) throws FarmException {
        throw unavailable();
    }

    @Override
    public List<Agent> agents() throws FarmException {
        throw unavailable();
    }

    @Override
    public AgentCredentials createAgent(NewAgent agent) throws FarmException {
        throw unavailable();
    }

    @Override
    public AgentCredentials newPassword(UUID agent) throws FarmException {
        throw unavailable();
    }

    @Override
    public Agent setActive(UUID agent, boolean active) throws FarmException {
        throw unavailable();
    }

    @Override
    public List<AgentPlan> plan() throws FarmException {
        throw unavailable();
    }

    @Override
    public List<Hook> hooks() throws FarmException {
        throw unavailable();
    }

    @Override
    public void installHook(String fileName, byte[] bundle) throws FarmException {
        throw unavailable();
    }

    @Override
    public void removeHook(String fileName) throws FarmException {
        throw unavailable();
    }

    @Override
    public List<SubmitOutcome> submit(List<Path> files, int priority, Map<String, String> tags) throws FarmException {
        throw unavailable();
    }

    @Override
    public Subscription subscribe(long lastEventId, EventListener listener) throws FarmException {
        throw unavailable();
    }

    @Override
    public void close() {
        // Nothing is held open: every call is a request of its own.
    }

    private static FarmException unavailable() {
        return new FarmException(FarmException.Kind.REJECTED,
                "this build of the client reaches the coordinator's health check only");
    }
}
