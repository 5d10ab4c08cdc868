package dev.kiln.protocol;

/** How an agent is doing: {@code online} (heard from lately), {@code offline}, or {@code inactive} (deactivated). */
public enum AgentStatus {
    ONLINE, OFFLINE, INACTIVE;

    /** The JSON name, such as {@code online}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
