package dev.kiln.hooks.internal;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.kiln.api.EventType;

/**
 * The order of a hook's events across the queues: an event of one build (or agent) reaches a hook only after the
 * hook handled every earlier event of that build, whatever their types. Each queue still goes at its own pace for
 * other builds. Shared by the queues; thread-safe.
 *
 * <p>An event may run when no earlier event of its order key (hook and build) is queued anywhere, and every other
 * queue of the hook's event types has read the outbox past it, so that no earlier event can still turn up. A queue
 * told "not yet" is woken when the reason goes: the earlier event is done, or the other queue read further (it is
 * woken to read).
 */
final class DeliveryOrder {

    private final Consumer<EventType> wake;
    /** By type, the id up to which that queue read the outbox. */
    private final Map<EventType, Long> readUpTo = new EnumMap<>(EventType.class);
    /** By type, the queues waiting for that queue to read further. */
    private final Map<EventType, Set<EventType>> waitingForRead = new EnumMap<>(EventType.class);
    /** By order key, the queued events, id to type. */
    private final Map<String, TreeMap<Long, EventType>> queued = new HashMap<>();

    /** @param wake wakes the queue of a type; called with this object's lock held, so it must only post */
    DeliveryOrder(Consumer<EventType> wake) {
        this.wake = wake;
    }

    /** The queue of {@code type} read the outbox up to {@code eventId}. */
    synchronized void read(EventType type, long eventId) {
        Long before = readUpTo.put(type, eventId);
        if (before == null || before < eventId) {
            Set<EventType> waiting = waitingForRead.remove(type);
            if (waiting != null) {
                waiting.forEach(wake);
            }
        }
    }

    /** An event was queued for a hook. */
    synchronized void queued(String orderKey, long eventId, EventType type) {
        queued.computeIfAbsent(orderKey, key -> new TreeMap<>()).put(eventId, type);
    }

    /** An event queued for a hook is done with (handled, given up on, or its hook gone). */
    synchronized void done(String orderKey, long eventId) {
        TreeMap<Long, EventType> events = queued.get(orderKey);
        if (events == null || events.remove(eventId) == null) {
            return;
        }
        if (events.isEmpty()) {
            queued.remove(orderKey);
        } else {
            wake.accept(events.firstEntry().getValue());
        }
    }

    /**
     * Whether the event may go to the hook now.
     *
     * @param hookTypes every event type the hook handles
     */
    synchronized boolean mayRun(String orderKey, long eventId, EventType type, Set<EventType> hookTypes) {
        TreeMap<Long, EventType> events = queued.get(orderKey);
        if (events != null && events.firstKey() < eventId) {
            return false;
        }
        for (EventType other : hookTypes) {
            if (other != type && readUpTo.getOrDefault(other, 0L) < eventId - 1) {
                waitingForRead.computeIfAbsent(other, t -> EnumSet.noneOf(EventType.class)).add(type);
                wake.accept(other);
                return false;
            }
        }
        return true;
    }
}
