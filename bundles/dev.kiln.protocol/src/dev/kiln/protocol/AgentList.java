package dev.kiln.protocol;

import java.util.List;

/** {@code GET /api/v1/agents}. */
public record AgentList(List<AgentInfo> agents) {
}
