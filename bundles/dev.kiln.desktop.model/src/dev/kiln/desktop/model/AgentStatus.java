package dev.kiln.desktop.model;

import java.util.Arrays;

/** Whether an agent is taking builds. */
public enum AgentStatus {
    /** Active and heard from within the heartbeat timeout. */
    ONLINE("online"),
    /** Active but silent. */
    OFFLINE("offline"),
    /** Deactivated by an operator: refused and given no builds. */
    INACTIVE("inactive");

    private final String id;

    AgentStatus(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException for a name the API does not use */
    public static AgentStatus fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown agent status: " + id));
    }

    @Override
    public String toString() {
        return id;
    }
}
