package dev.kiln.client;

import java.io.IOException;

/** The coordinator refused a request: its HTTP status and the error it gave. */
public final class KilnApiException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String detail;

    public KilnApiException(int status, String error, String detail) {
        super(detail == null || detail.isEmpty() ? error + " (HTTP " + status + ")" : error + ": " + detail);
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    /** The HTTP status, such as 404. */
    public int status() {
        return status;
    }

    /** The short error text, such as {@code not found}. */
    public String error() {
        return error;
    }

    /** What exactly was wrong, as the coordinator said it. */
    public String detail() {
        return detail;
    }
}
