package dev.kiln.datastore.jpa.internal;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Event;
import dev.kiln.api.EventListener;
import dev.kiln.api.EventSubscription;

/**
 * Tells listeners of committed events, in commit order, from one virtual thread, so that a slow listener holds up
 * the notifications but never a transaction.
 */
final class EventNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(EventNotifier.class);
    private static final List<Event> STOP = List.of();

    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<List<Event>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    EventNotifier() {
        thread = Thread.ofVirtual().name("kiln-event-notifier").start(this::run);
    }

    EventSubscription subscribe(EventListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void published(List<Event> events) {
        if (!events.isEmpty() && !listeners.isEmpty()) {
            queue.add(List.copyOf(events));
        }
    }

    void stop() {
        queue.add(STOP);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                List<Event> events = queue.take();
                if (events == STOP) {
                    return;
                }
                for (EventListener listener : listeners) {
                    try {
                        listener.committed(events);
                    } catch (RuntimeException e) {
                        LOG.warn("An event listener failed on events {} to {}", events.get(0).id(),
                                events.get(events.size() - 1).id(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
