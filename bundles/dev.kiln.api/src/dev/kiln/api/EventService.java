package dev.kiln.api;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** The event outbox, for the event stream and the hooks. */
@ProviderType
public interface EventService {

    /** Up to {@code limit} events with an id greater than {@code afterId}, in id order. */
    List<Event> after(long afterId, int limit);

    /** The id of the latest event, 0 when there is none. */
    long latestId();

    /** Registers a listener told of every event committed from now on, until the subscription is closed. */
    EventSubscription subscribe(EventListener listener);

    /**
     * The stored positions of the outbox's readers whose names start with {@code prefix}: by name, the id of the
     * last event each one is done with.
     */
    Map<String, Long> cursors(String prefix);

    /** Stores readers' positions, by name, in one transaction; a later call replaces them. */
    void saveCursors(Map<String, Long> positions);
}
