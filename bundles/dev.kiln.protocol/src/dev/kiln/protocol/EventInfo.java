package dev.kiln.protocol;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An event, the {@code data:} of a Server-Sent Event. */
public record EventInfo(long id, EventType type, Instant time, UUID build, UUID agent, Map<String, String> data) {
}
