package dev.kiln.ci;

import java.util.List;

/**
 * What a forge's webhook delivery did.
 *
 * @param forge   the forge that sent it
 * @param event   what happened there: {@code push}, {@code pull-request-opened}, {@code pull-request-updated},
 *                {@code pull-request-closed}, or the forge's own name of an event Kiln does not act on
 * @param jobsets the jobsets it checked, created, or disabled, by name
 */
public record WebhookOutcome(Forge forge, String event, List<String> jobsets) {

    public WebhookOutcome {
        jobsets = List.copyOf(jobsets);
    }
}
