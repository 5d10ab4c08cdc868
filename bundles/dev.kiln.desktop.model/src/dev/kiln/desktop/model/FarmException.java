package dev.kiln.desktop.model;

/** A call to the coordinator did not succeed; {@link #kind()} says what the operator can do about it. */
public final class FarmException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a call failed. */
    public enum Kind {
        /** No connection could be made, or the coordinator answered 5xx: try again later. */
        COORDINATOR_DOWN,
        /** The coordinator refused the token (401 or 403). */
        WRONG_TOKEN,
        /** The coordinator refused the request (another 4xx): the message says why. */
        REJECTED,
        /** The thing asked about does not exist (404). */
        NOT_FOUND,
        /** The coordinator runs without this part, for example without jobsets (503 unavailable). */
        UNAVAILABLE
    }

    private final Kind kind;

    public FarmException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public FarmException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
