package dev.kiln.protocol;

/** The kinds of events, as the event stream, hooks and webhooks name them ({@code build-success}, ...). */
public enum EventType {
    BUILD_SUBMITTED, BUILD_ALLOCATED, BUILD_STARTED, BUILD_SUCCESS, BUILD_FAILURE, BUILD_CANCELED,
    /** A setup failure because inputs could not be had; the event lists them under {@code missing-inputs}. */
    BUILD_MISSING_INPUTS,
    BUILD_SETUP_FAILURE, BUILD_DEPENDENCY_FAILED, BUILD_RETRIED, BUILD_RESCHEDULED, BUILD_PRIORITY_CHANGED,
    /** Tags added to or removed from a build, listed under {@code added} and {@code removed}. */
    BUILD_TAGGED,
    AGENT_CREATED, AGENT_CHANGED,
    /** A started build showed no sign of life past the stall time and was taken back. */
    BUILD_STALLED,
    AGENT_LOST,
    /** A jobset's evaluation began, ended well or failed; the event names the {@code jobset} and the {@code evaluation}. */
    EVALUATION_STARTED, EVALUATION_FINISHED, EVALUATION_FAILED;

    /** The JSON name, such as {@code build-success}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
