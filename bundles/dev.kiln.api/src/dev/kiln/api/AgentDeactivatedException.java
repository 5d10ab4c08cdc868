package dev.kiln.api;

import java.util.UUID;

/**
 * A deactivated agent asked for builds. It may still report on the builds it kept when it was deactivated to drain,
 * and gets builds again once activated.
 */
public final class AgentDeactivatedException extends KilnException {

    private static final long serialVersionUID = 1L;

    private final UUID agentId;

    public AgentDeactivatedException(UUID agentId) {
        super("agent " + agentId + " is deactivated: it gets no builds until an operator activates it again");
        this.agentId = agentId;
    }

    public UUID agentId() {
        return agentId;
    }
}
