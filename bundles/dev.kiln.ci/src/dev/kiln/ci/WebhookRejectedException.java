package dev.kiln.ci;

import dev.kiln.api.KilnException;

/** A webhook delivery whose signature or token is missing or matches none of the secrets: it is not acted on. */
public final class WebhookRejectedException extends KilnException {

    private static final long serialVersionUID = 1L;

    public WebhookRejectedException(String message) {
        super(message);
    }
}
