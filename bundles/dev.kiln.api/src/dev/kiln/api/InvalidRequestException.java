package dev.kiln.api;

/** A request is malformed or inconsistent, independently of the current state: a bad tag, a missing derivation. */
public final class InvalidRequestException extends KilnException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
