package dev.kiln.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next try of something that failed: {@code initial} before the first retry, doubling
 * with each retry up to {@code max}. With a {@code jitter} above 0, each wait is lengthened at random by up to that
 * share of itself, so that many clients that lost one server do not all come back at the same instant. Immutable
 * and thread-safe.
 *
 * @param initial the wait before the first retry, more than zero
 * @param max     the longest wait, at least {@code initial}
 * @param jitter  the largest random share added to a wait, from 0 to 1
 */
public record Backoff(Duration initial, Duration max, double jitter) {

    /** One second doubling to 30 seconds, without jitter: for a person's client reconnecting. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    /**
     * 100 ms doubling to a minute: for a loop of the coordinator retrying what it depends on (the datastore, a disk),
     * soon back after a short fault, about once a minute during a long one.
     */
    public static final Backoff FAULT = new Backoff(Duration.ofMillis(100), Duration.ofMinutes(1));

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("need a jitter from 0 to 1: " + jitter);
        }
    }

    /** Without jitter. */
    public Backoff(Duration initial, Duration max) {
        this(initial, max, 0);
    }

    public Backoff withJitter(double share) {
        return new Backoff(initial, max, share);
    }

    /** The wait before retry number {@code attempt} (0 for the first retry), without jitter. */
    public Duration delay(int attempt) {
        Duration delay = initial;
        for (int i = 0; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** The wait before retry number {@code attempt} (0 for the first retry), with this back-off's jitter. */
    public Duration delay(int attempt, RandomGenerator random) {
        Duration delay = delay(attempt);
        long spread = (long) (delay.toMillis() * jitter);
        return spread <= 0 ? delay : delay.plusMillis(random.nextLong(spread + 1));
    }
}
