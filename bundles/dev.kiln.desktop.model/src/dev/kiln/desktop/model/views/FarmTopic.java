package dev.kiln.desktop.model.views;

import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.EventInfo;

/**
 * A part of what the desktop shows of a farm, kept current by the {@link ConnectionSupervisor}: read whole each time
 * the event stream opens, read again now and then while it stays open, and told each event. Called on background
 * threads.
 */
public interface FarmTopic {

    /** Reads the topic whole: the stream opened, and what it did not say meanwhile must be read. */
    void reload() throws FarmException;

    /** Reads what changes without events (counts, loads); by default, the whole topic. */
    default void refresh() throws FarmException {
        reload();
    }

    /** An event of the stream. */
    default void onEvent(EventInfo event) {
    }
}
