package dev.kiln.api;

import java.util.List;
import java.util.UUID;

/**
 * What an agent is doing now.
 *
 * @param agentId the agent
 * @param builds  the builds it holds, oldest first
 * @param load    what it last reported of its load since the coordinator started, or {@code null}
 */
public record AgentActivity(UUID agentId, List<RunningBuild> builds, AgentLoad load) {

    public AgentActivity {
        builds = List.copyOf(builds == null ? List.of() : builds);
    }
}
