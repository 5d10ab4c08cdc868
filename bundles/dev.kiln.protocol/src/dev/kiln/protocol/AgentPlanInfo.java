package dev.kiln.protocol;

import java.util.List;
import java.util.UUID;

/** The builds one agent may take, best first. */
public record AgentPlanInfo(UUID agent, List<PlannedBuildInfo> builds) {
}
