package dev.kiln.api;

import java.util.List;
import java.util.UUID;

/**
 * The builds one agent would be given next, best first.
 *
 * @param agentId        the agent
 * @param builds         the builds it may take, best first (truncated to the requested limit)
 * @param allocatedCount how many builds are allocated to it and not started yet
 * @param startedCount   how many builds it is running
 */
public record AgentPlan(UUID agentId, List<PlannedBuild> builds, int allocatedCount, int startedCount) {

    public AgentPlan {
        builds = List.copyOf(builds);
    }
}
