package dev.kiln.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** Told of events after the transactions that wrote them committed. */
@ConsumerType
@FunctionalInterface
public interface EventListener {

    /**
     * Called on a notification thread of the coordinator, in commit order, with the events of one or more
     * transactions. It must return quickly (hand the work to another thread) and not throw.
     */
    void committed(List<Event> events);
}
