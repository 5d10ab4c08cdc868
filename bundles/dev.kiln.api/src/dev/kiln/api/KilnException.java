package dev.kiln.api;

/**
 * The root of the exceptions Kiln's services throw for a request they refuse. Each subclass says what kind of
 * refusal it is, so that a front end can map it (the HTTP layer maps them to 4xx statuses).
 */
public abstract class KilnException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected KilnException(String message) {
        super(message);
    }

    protected KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
