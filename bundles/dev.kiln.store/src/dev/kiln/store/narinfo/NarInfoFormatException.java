package dev.kiln.store.narinfo;

/**
 * A narinfo text, key or signature that is malformed. The message says what
 * is wrong.
 */
public class NarInfoFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong
     */
    public NarInfoFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause   the underlying error
     */
    public NarInfoFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
