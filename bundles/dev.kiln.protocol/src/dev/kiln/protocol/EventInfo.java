package dev.kiln.protocol;

import java.util.Map;

/** An event, the {@code data:} of a Server-Sent Event. */
public record EventInfo(long id, String type, String time, String build, String agent, Map<String, String> data) {
}
