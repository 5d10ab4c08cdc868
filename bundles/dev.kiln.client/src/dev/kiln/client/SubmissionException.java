package dev.kiln.client;

import java.io.IOException;

/**
 * A submission cannot be made from the files given: a derivation file or an input source it needs is missing, unreadable
 * or not what its store path says. Its message, one line, names the file and says why.
 */
public final class SubmissionException extends IOException {

    private static final long serialVersionUID = 1L;

    public SubmissionException(String message) {
        super(message);
    }

    public SubmissionException(String message, Throwable cause) {
        super(message, cause);
    }
}
