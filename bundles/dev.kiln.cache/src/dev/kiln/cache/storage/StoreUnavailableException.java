package dev.kiln.cache.storage;

import java.io.IOException;

/**
 * The object store failed or refused a request: it cannot be reached, the credentials are refused, the bucket is
 * missing. The request may succeed when tried again later; nothing of a failed {@code put} is visible.
 */
public class StoreUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
