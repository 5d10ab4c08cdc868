package dev.kiln.cache;

/**
 * An upload that cannot be accepted: bytes at the wrong offset, a NAR whose hash or size differ from what was
 * announced, a file that does not decompress. Nothing of it was accepted.
 */
public final class UploadException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an upload was refused. */
    public enum Reason {
        /** The bytes do not continue the upload where it stopped. */
        WRONG_OFFSET,
        /** The bytes are not what was announced; the partial upload was discarded. */
        CORRUPT,
        /** A name or text that is not valid. */
        INVALID,
        /** Nothing was uploaded for it. */
        MISSING
    }

    private final Reason reason;

    public UploadException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
