package dev.kiln.api;

/**
 * The datastore cannot be reached or takes no writes now (a database restarting, a full disk). The change was not
 * made, unless the database went away during its very commit: a request tried again later should be one that is safe
 * to repeat (a submission that ignores derivations that already have a build; an agent's report, which is refused as
 * a conflict when it was recorded). The HTTP layer answers it with 503 and {@code Retry-After}.
 */
public final class DatastoreUnavailableException extends KilnException {

    private static final long serialVersionUID = 1L;

    public DatastoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
