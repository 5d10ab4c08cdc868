package dev.kiln.api;

import java.util.Arrays;

/**
 * The kinds of events the coordinator records in its outbox, one for every change of a build, an agent or an
 * evaluation of a jobset.
 */
public enum EventType {
    BUILD_SUBMITTED("build-submitted"),
    BUILD_ALLOCATED("build-allocated"),
    BUILD_STARTED("build-started"),
    BUILD_SUCCESS("build-success"),
    BUILD_FAILURE("build-failure"),
    BUILD_CANCELED("build-canceled"),
    /** A setup failure because inputs could not be had; the event lists them under {@code missing-inputs}. */
    BUILD_MISSING_INPUTS("build-missing-inputs"),
    /** A setup failure for another reason, for example outputs that could not be deleted. */
    BUILD_SETUP_FAILURE("build-setup-failure"),
    BUILD_DEPENDENCY_FAILED("build-dependency-failed"),
    /** Back to scheduled: retried by an operator. */
    BUILD_RETRIED("build-retried"),
    /** Back to scheduled from dependency-failed: the failed input is being built again. */
    BUILD_RESCHEDULED("build-rescheduled"),
    BUILD_PRIORITY_CHANGED("build-priority-changed"),
    /** Tags added to or removed from a build; the event lists them under {@code added} and {@code removed}. */
    BUILD_TAGGED("build-tagged"),
    AGENT_CREATED("agent-created"),
    /** Activated, deactivated, given a new password, or restarted. */
    AGENT_CHANGED("agent-changed"),
    /**
     * A build held by an agent showed no sign of life for the stall time and went back to scheduled; the agent's late
     * reports of it are refused.
     */
    BUILD_STALLED("build-stalled"),
    /** An agent was silent past the timeout; its builds went back to scheduled. */
    AGENT_LOST("agent-lost"),
    /** A jobset's evaluation began; the event names the {@code jobset} and the {@code evaluation}. */
    EVALUATION_STARTED("evaluation-started"),
    /** An evaluation ended well; the event counts the {@code derivations} it found and the {@code builds} it made. */
    EVALUATION_FINISHED("evaluation-finished"),
    /** An evaluation failed; the event says why under {@code error}. */
    EVALUATION_FAILED("evaluation-failed");

    private final String id;

    EventType(String id) {
        this.id = id;
    }

    /** The event's name in the API and in the outbox, for example {@code build-success}. */
    public String id() {
        return id;
    }

    public static EventType fromId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("unknown event type: " + id));
    }

    @Override
    public String toString() {
        return id;
    }
}
