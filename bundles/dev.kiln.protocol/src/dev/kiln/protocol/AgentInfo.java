package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/** An agent as the client API shows it; {@code status} is {@code online}, {@code offline} or {@code inactive}. */
public record AgentInfo(String id, String name, String description, List<String> systems, Map<String, String> tags, boolean active, String lastSeen, String status) {
}
