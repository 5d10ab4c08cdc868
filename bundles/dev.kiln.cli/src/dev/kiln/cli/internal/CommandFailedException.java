package dev.kiln.cli.internal;

/** A command that cannot go on; its message is the one line shown to the user. */
final class CommandFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CommandFailedException(String message) {
        this(message, KilnCommandLine.EXIT_FAILURE, null);
    }

    CommandFailedException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
