package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/** {@code POST /api/v1/agents}. */
public record NewAgentBody(String name, String description, List<String> systems, Map<String, String> tags) {
}
