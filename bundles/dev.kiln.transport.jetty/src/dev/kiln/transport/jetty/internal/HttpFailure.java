package dev.kiln.transport.jetty.internal;

import dev.kiln.protocol.ErrorAnswer;

/** A request that gets an error answer: its status and the {@link ErrorAnswer} it carries. */
final class HttpFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ErrorAnswer answer;

    HttpFailure(int status, String error, String detail) {
        super(error + ": " + detail, null, false, false);
        this.status = status;
        this.answer = new ErrorAnswer(error, detail);
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

    ErrorAnswer answer() {
        return answer;
    }
}
