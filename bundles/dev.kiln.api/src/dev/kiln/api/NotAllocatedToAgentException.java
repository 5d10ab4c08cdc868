package dev.kiln.api;

import java.util.UUID;

/** An agent reported on a build that is not allocated to it (any more). */
public final class NotAllocatedToAgentException extends KilnException {

    private static final long serialVersionUID = 1L;

    private final UUID buildId;
    private final UUID agentId;

    public NotAllocatedToAgentException(UUID buildId, UUID agentId) {
        super("build " + buildId + " is not allocated to agent " + agentId);
        this.buildId = buildId;
        this.agentId = agentId;
    }

    public UUID buildId() {
        return buildId;
    }

    public UUID agentId() {
        return agentId;
    }
}
