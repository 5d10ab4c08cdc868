package dev.kiln.store.nar;

import java.io.IOException;

/**
 * A byte stream that is not a valid NAR, or a NAR that is unsafe to unpack
 * (entries out of order or repeated, invalid names). The message says what
 * is wrong and at which byte offset.
 */
public class NarFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong
     */
    public NarFormatException(String message) {
        super(message);
    }
}
