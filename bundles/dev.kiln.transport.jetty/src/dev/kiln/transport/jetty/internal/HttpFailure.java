package dev.kiln.transport.jetty.internal;

/** A request that gets a 4xx answer: its status, a short error and what exactly was wrong. */
final class HttpFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final transient Object detail;

    HttpFailure(int status, String error, Object detail) {
        super(error + ": " + detail, null, false, false);
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    static HttpFailure badRequest(String detail) {
        return new HttpFailure(400, "bad request", detail);
    }

    static HttpFailure notFound(String detail) {
        return new HttpFailure(404, "not found", detail);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    Object detail() {
        return detail;
    }
}
