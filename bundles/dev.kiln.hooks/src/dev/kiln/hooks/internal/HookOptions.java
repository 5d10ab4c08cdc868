package dev.kiln.hooks.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import dev.kiln.api.EventType;
import dev.kiln.retry.Backoff;

/**
 * The hooks configuration, checked and parsed once.
 *
 * @param stateDir          the coordinator's state directory
 * @param parallelism       hook calls at once for each event type without its own
 * @param parallelismByType hook calls at once for some event types
 * @param timeout           the time limit of one hook call
 * @param retryBackoff      the first wait after a failure
 * @param retryBackoffMax   the longest wait after a failure
 * @param maxAttempts       calls of a hook with one event before giving up
 * @param pollInterval      how often the outbox is read without notification
 * @param deployInterval    how often the hooks directory is scanned
 * @param missingInputs     whether the missing-inputs hook runs
 * @param retryFailedCount  how many times the retry-failed hook retries a build; 0 for not at all
 * @param command           the command hook's executable, or {@code null}
 * @param commandEvents     the events given to the command
 */
record HookOptions(Path stateDir, int parallelism, Map<EventType, Integer> parallelismByType, Duration timeout,
        Duration retryBackoff, Duration retryBackoffMax, int maxAttempts, Duration pollInterval,
        Duration deployInterval, boolean missingInputs, int retryFailedCount, Path command,
        Set<EventType> commandEvents) {

    HookOptions {
        parallelismByType = Map.copyOf(parallelismByType);
        commandEvents = Set.copyOf(commandEvents);
    }

    static HookOptions from(HooksConfiguration configuration) {
        if (configuration.state_dir() == null || configuration.state_dir().isBlank()) {
            throw new IllegalArgumentException(HooksConfiguration.PID + ": state.dir is required");
        }
        Map<EventType, Integer> byType = new EnumMap<>(EventType.class);
        for (String entry : configuration.parallelism_by_type()) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("parallelism.by.type is type=count, not " + entry);
            }
            byType.put(EventType.fromId(entry.substring(0, equals).trim()),
                    positive("parallelism of " + entry, Integer.parseInt(entry.substring(equals + 1).trim())));
        }
        Set<EventType> commandEvents = configuration.command_events().length == 0 ? EnumSet.allOf(EventType.class)
                : EnumSet.copyOf(Arrays.stream(configuration.command_events()).map(String::trim)
                        .map(EventType::fromId).toList());
        String command = configuration.command();
        return new HookOptions(Path.of(configuration.state_dir()),
                positive("parallelism", configuration.parallelism()), byType,
                millis("timeout.ms", configuration.timeout_ms()),
                millis("retry.backoff.ms", configuration.retry_backoff_ms()),
                millis("retry.backoff.max.ms", configuration.retry_backoff_max_ms()),
                positive("max.attempts", configuration.max_attempts()),
                millis("poll.interval.ms", configuration.poll_interval_ms()),
                millis("deploy.interval.ms", configuration.deploy_interval_ms()),
                configuration.missing_inputs(), Math.max(0, configuration.retry_failed_count()),
                command == null || command.isBlank() ? null : Path.of(command.trim()), commandEvents);
    }

    int parallelismOf(EventType type) {
        return parallelismByType.getOrDefault(type, parallelism);
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed ones: doubled each time, capped. */
    Duration backoffAfter(int attempt) {
        Duration max = retryBackoffMax.compareTo(retryBackoff) < 0 ? retryBackoff : retryBackoffMax;
        return new Backoff(retryBackoff, max).delay(attempt - 1);
    }

    Path hooksDirectory() {
        return stateDir.resolve("hooks");
    }

    Path hooksStateDirectory() {
        return stateDir.resolve("hooks-state");
    }

    private static int positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1: " + value);
        }
        return value;
    }

    private static Duration millis(String what, long value) {
        return Duration.ofMillis(positive(what, (int) Math.min(Integer.MAX_VALUE, value)));
    }
}
