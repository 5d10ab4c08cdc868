package dev.kiln.desktop.model.views;

import java.util.ArrayList;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.NewAgentBody;

/**
 * What an operator does to agents: create one, give one a new password, activate or deactivate them. Each runs in the
 * background, then reads the agents again. Thread-safe.
 */
public final class AgentCommands {

    private final FarmConnection connection;
    private final ConnectionSupervisor supervisor;
    private final AgentsModel agents;

    public AgentCommands(FarmConnection connection, ConnectionSupervisor supervisor, AgentsModel agents) {
        this.connection = connection;
        this.supervisor = supervisor;
        this.agents = agents;
    }

    /** Creates an agent; completes with its id and password, shown once. */
    public CompletableFuture<AgentPassword> createAgent(NewAgentBody agent) {
        return supervisor.call(() -> {
            AgentPassword credentials = connection.createAgent(agent);
            agents.readAgents();
            return credentials;
        });
    }

    public CompletableFuture<AgentPassword> newPassword(UUID agent) {
        return supervisor.call(() -> connection.newPassword(agent));
    }

    public CompletableFuture<ActionResult> setActive(Collection<UUID> ids, boolean active) {
        return supervisor.call(() -> {
            ActionResult result = ActionResult.of(ids, id -> connection.setActive(id, active), new ArrayList<>());
            agents.readAgents();
            return result;
        });
    }
}
