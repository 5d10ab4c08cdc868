package dev.kiln.desktop.model;

import java.util.List;

/**
 * A hook running in the coordinator.
 *
 * @param bundle      the hook bundle's file in the hooks directory, or empty for a hook shipped with Kiln
 * @param events      the event types it reacts to
 * @param queued      events waiting for it
 * @param failures    runs that threw or timed out and are being retried
 * @param lastFailure the message of the latest failure, or empty
 */
public record Hook(String name, String bundle, List<String> events, int queued, int failures, String lastFailure) {

    public Hook {
        bundle = bundle == null ? "" : bundle;
        events = List.copyOf(events == null ? List.of() : events);
        lastFailure = lastFailure == null ? "" : lastFailure;
    }

    public boolean isFailing() {
        return failures > 0;
    }
}
