package dev.kiln.api;

/** The request would make two things where there may be only one, for example two agents of the same name. */
public final class ConflictException extends KilnException {

    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
