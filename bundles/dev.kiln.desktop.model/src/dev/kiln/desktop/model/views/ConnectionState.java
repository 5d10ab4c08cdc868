package dev.kiln.desktop.model.views;

/** Where a session with a coordinator stands. */
public enum ConnectionState {
    /** Trying to reach it. */
    CONNECTING,
    /** Reached, with the token accepted, and the event stream open. */
    CONNECTED,
    /** Unreachable or failing; another attempt is scheduled. */
    COORDINATOR_DOWN,
    /** It refused the token; nothing is retried until the operator gives another one. */
    WRONG_TOKEN,
    /** Closed by the operator. */
    CLOSED
}
