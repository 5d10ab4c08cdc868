package dev.kiln.api;

import java.util.UUID;

/**
 * A build cannot make the requested transition from the state it is in, for example cancelling a build that
 * succeeded or retrying one that is still scheduled.
 */
public final class IllegalTransitionException extends KilnException {

    private static final long serialVersionUID = 1L;

    private final UUID buildId;
    private final BuildState state;
    private final String action;

    public IllegalTransitionException(UUID buildId, BuildState state, String action) {
        this(buildId, state, action, inWords(state));
    }

    /** A refusal for another reason than the state alone, for example a failed input. */
    public IllegalTransitionException(UUID buildId, BuildState state, String action, String reason) {
        super("cannot " + action + " build " + buildId + ": " + reason);
        this.buildId = buildId;
        this.state = state;
        this.action = action;
    }

    /** Why a build in this state refuses: "it has succeeded", "it is scheduled". */
    private static String inWords(BuildState state) {
        return switch (state) {
            case SCHEDULED -> "it is scheduled";
            case ALLOCATED -> "it is allocated to an agent";
            case STARTED -> "it has started";
            case SUCCEEDED -> "it has succeeded";
            case FAILED -> "it has failed";
            case CANCELED -> "it was canceled";
            case DEPENDENCY_FAILED -> "one of its inputs failed";
        };
    }

    public UUID buildId() {
        return buildId;
    }

    /** The state the build was in when the transition was refused. */
    public BuildState state() {
        return state;
    }

    /** The refused action, for example {@code cancel} or {@code report success for}. */
    public String action() {
        return action;
    }
}
