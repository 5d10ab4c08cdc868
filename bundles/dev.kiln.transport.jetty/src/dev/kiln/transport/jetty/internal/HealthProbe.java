package dev.kiln.transport.jetty.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.EventService;

/**
 * Whether the datastore still takes writes, as {@code /healthz} says: a full disk, a database turned read-only or gone
 * makes every change fail while reads go on, so the probe writes a row (the position of a reader named
 * {@value #PROBE}) at most once every {@link #EVERY_NANOS}, and answers from its last result in between. The fault is
 * logged when it starts and when it clears (its detail, which may change meanwhile, is in {@code /healthz}).
 * Thread-safe.
 */
final class HealthProbe {

    static final String PROBE = "healthz";
    /** What a request refused for want of the datastore is told to wait: the time between probes. */
    static final long RETRY_AFTER_SECONDS = 5;
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(RETRY_AFTER_SECONDS);
    private static final Logger LOG = LoggerFactory.getLogger(HealthProbe.class);

    private final EventService events;
    private final LongSupplier nanoTime;
    private long probedAt;
    private boolean probed;
    private Optional<String> fault = Optional.empty();
    private volatile boolean faulty;

    HealthProbe(EventService events, LongSupplier nanoTime) {
        this.events = events;
        this.nanoTime = nanoTime;
    }

    /** Why the coordinator cannot work now, or empty when it can. */
    synchronized Optional<String> fault() {
        long now = nanoTime.getAsLong();
        if (probed && now - probedAt < EVERY_NANOS) {
            return fault;
        }
        Optional<String> found;
        try {
            events.saveCursors(Map.of(PROBE, System.currentTimeMillis()));
            found = Optional.empty();
        } catch (RuntimeException e) {
            found = Optional.of("the datastore takes no writes: " + e.getMessage());
        }
        record(found, now);
        return fault;
    }

    /** Whether the last probe, or a request since, found the datastore failing: cheap, without a lock. */
    boolean faulty() {
        return faulty;
    }

    /**
     * A request found the datastore unavailable: the fault holds until the next probe, due {@link #EVERY_NANOS}
     * from now, finds it gone. A fault already known is kept as it was said.
     */
    synchronized void unavailable(RuntimeException failure) {
        if (fault.isEmpty()) {
            record(Optional.of(failure.getMessage()), nanoTime.getAsLong());
        }
    }

    private void record(Optional<String> found, long now) {
        if (found.isPresent() && fault.isEmpty()) {
            LOG.warn("Unhealthy: {}", found.get());
        } else if (found.isEmpty() && fault.isPresent()) {
            LOG.info("Healthy again: the datastore takes writes");
        }
        fault = found;
        faulty = found.isPresent();
        probed = true;
        probedAt = now;
    }
}
