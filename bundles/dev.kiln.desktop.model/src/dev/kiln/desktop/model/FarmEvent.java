package dev.kiln.desktop.model;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One event of the coordinator's event stream.
 *
 * @param type  for example {@code build-success}
 * @param build the build concerned, or {@code null}
 * @param agent the agent concerned, or {@code null}
 */
public record FarmEvent(long id, String type, Instant time, UUID build, UUID agent, Map<String, String> data) {

    public FarmEvent {
        data = Map.copyOf(data == null ? Map.of() : data);
    }
}
