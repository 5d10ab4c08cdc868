package dev.kiln.protocol;

import java.io.IOException;

/** A JSON body that does not parse or does not have the expected shape; the message says where and why. */
public final class MalformedJsonException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
