package dev.kiln.protocol;

import java.util.List;

/** {@code GET /api/v1/plan}. */
public record PlanInfo(List<AgentPlanInfo> agents) {
}
