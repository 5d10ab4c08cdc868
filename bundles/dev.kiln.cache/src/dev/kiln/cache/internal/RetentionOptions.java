package dev.kiln.cache.internal;

import java.time.Duration;
import java.util.Optional;

import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.RetentionPolicy;

/**
 * The retention settings, parsed once.
 *
 * @param policy    what the cache keeps; none to keep every path
 * @param interval  the time between two background runs
 * @param logsAge   finished builds' logs older than this go; zero for never
 * @param eventsAge events older than this go; zero for never
 */
record RetentionOptions(Optional<RetentionPolicy> policy, Duration interval, Duration logsAge, Duration eventsAge) {

    static RetentionOptions from(CacheConfiguration configuration) {
        Optional<RetentionPolicy> policy;
        try {
            policy = RetentionPolicy.of(given(configuration.retention_keep_evaluations()),
                    given(configuration.retention_keep_days()),
                    configuration.retention_storage_limit_bytes() < 0 ? null
                            : configuration.retention_storage_limit_bytes());
        } catch (InvalidRequestException e) {
            throw new IllegalArgumentException(CacheConfiguration.PID + ": " + e.getMessage(), e);
        }
        if (configuration.gc_interval_seconds() <= 0 || configuration.logs_keep_days() < 0
                || configuration.events_keep_days() < 0) {
            throw new IllegalArgumentException(CacheConfiguration.PID + ": the garbage collector's interval must be "
                    + "positive and the ages of logs and events not negative");
        }
        return new RetentionOptions(policy, Duration.ofSeconds(configuration.gc_interval_seconds()),
                Duration.ofDays(configuration.logs_keep_days()), Duration.ofDays(configuration.events_keep_days()));
    }

    /** Whether a background run has anything to do. */
    boolean collects() {
        return policy.isPresent() || !logsAge.isZero() || !eventsAge.isZero();
    }

    private static Integer given(int value) {
        return value < 0 ? null : value;
    }
}
