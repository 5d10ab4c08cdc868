package dev.kiln.agent.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter, so that many agents losing one coordinator do not all come back at the same
 * instant. Not thread-safe: one per retry loop.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The delay before the next attempt; each call doubles the following one, up to the maximum. */
    Duration nextDelay() {
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        long jitterMillis = ThreadLocalRandom.current().nextLong(delay.toMillis() / 10 + 1);
        return delay.plusMillis(jitterMillis);
    }

    void reset() {
        next = initial;
    }
}
