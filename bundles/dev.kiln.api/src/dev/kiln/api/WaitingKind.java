package dev.kiln.api;

/**
 * Why a build that is not final has not started, in the order an operator looks for it: its inputs first, then the
 * agents, then time.
 */
public enum WaitingKind {
    /** Builds of some of its inputs are scheduled, allocated or started. */
    INPUTS_NOT_BUILT("inputs-not-built"),
    /** A build of one of its inputs failed, or could not run because its own input failed. */
    INPUT_FAILED("input-failed"),
    /** No active agent has its system, the tags it requires or every feature its derivation requires. */
    NO_ABLE_AGENT("no-able-agent"),
    /** It is ready, and the agents able to take it are busy with builds that go before it. */
    AGENTS_BUSY("agents-busy"),
    /** It was submitted not to start before a time that has not come. */
    DEFERRED("deferred");

    private final String id;

    WaitingKind(String id) {
        this.id = id;
    }

    /** The name in the API, for example {@code inputs-not-built}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
