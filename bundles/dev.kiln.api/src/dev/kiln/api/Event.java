package dev.kiln.api;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One row of the event outbox.
 *
 * @param id      increasing in commit order: an event committed later has a greater id
 * @param type    what happened
 * @param time    when
 * @param buildId the build concerned, or {@code null}
 * @param agentId the agent concerned, or {@code null}
 * @param data    details, depending on the type (for example {@code state}, {@code derivation},
 *                {@code missing-inputs} as space-separated paths)
 */
public record Event(long id, EventType type, Instant time, UUID buildId, UUID agentId, Map<String, String> data) {

    public Event {
        data = Collections.unmodifiableMap(new TreeMap<>(data == null ? Map.of() : data));
    }
}
