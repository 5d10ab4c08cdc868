package dev.kiln.hooks.api.admin;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A registered hook and how its deliveries go.
 *
 * @param name                the hook's name
 * @param bundleSymbolicName  the bundle that registered it
 * @param bundleVersion       that bundle's version
 * @param events              the event type ids it handles
 * @param queueLengths        by event type id, the events read from the outbox and not yet handled by this hook
 * @param failures            how many calls failed (threw or overran) since the coordinator started
 * @param lastFailure         the message of the latest failure, or {@code null}
 * @param lastFailureAt       when it happened, or {@code null}
 */
public record HookStatus(String name, String bundleSymbolicName, String bundleVersion, List<String> events,
        Map<String, Integer> queueLengths, long failures, String lastFailure, Instant lastFailureAt) {

    public HookStatus {
        events = List.copyOf(events);
        queueLengths = Collections.unmodifiableSortedMap(new TreeMap<>(queueLengths));
    }
}
