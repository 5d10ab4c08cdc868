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
 * logged when it starts, when it changes and when it clears. Thread-safe.
 */
final class HealthProbe {

    static final String PROBE = "healthz";
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Logger LOG = LoggerFactory.getLogger(HealthProbe.class);

    private final EventService events;
    private final LongSupplier nanoTime;
    private long probedAt;
    private boolean probed;
    private Optional<String> fault = Optional.empty();

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
        if (!found.equals(fault)) {
            if (found.isPresent()) {
                LOG.warn("Unhealthy: {}", found.get());
            } else {
                LOG.info("Healthy again: the datastore takes writes");
            }
        }
        fault = found;
        probed = true;
        probedAt = now;
        return fault;
    }
}
