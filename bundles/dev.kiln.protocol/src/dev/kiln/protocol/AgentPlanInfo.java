package dev.kiln.protocol;

import java.util.List;

/** The builds one agent may take, best first. */
public record AgentPlanInfo(String agent, List<PlannedBuildInfo> builds) {
}
