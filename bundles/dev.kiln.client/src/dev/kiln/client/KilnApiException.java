package dev.kiln.client;

import java.io.IOException;

import dev.kiln.protocol.ErrorAnswer;

/** The coordinator refused a request: its HTTP status and the {@link ErrorAnswer} it gave. */
public final class KilnApiException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ErrorAnswer answer;

    public KilnApiException(int status, ErrorAnswer answer) {
        super(answer.detail() == null || answer.detail().isEmpty() ? answer.error() + " (HTTP " + status + ")"
                : answer.error() + ": " + answer.detail());
        this.status = status;
        this.answer = answer;
    }

    /** The HTTP status, such as 404. */
    public int status() {
        return status;
    }

    /** The error answer as the coordinator gave it. */
    public ErrorAnswer answer() {
        return answer;
    }

    /** The short error text, such as {@code not found}. */
    public String error() {
        return answer.error();
    }

    /** What exactly was wrong, as the coordinator said it. */
    public String detail() {
        return answer.detail();
    }
}
