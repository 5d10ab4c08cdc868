package dev.kiln.desktop.model;

import java.util.List;
import java.util.UUID;

/** The builds an agent may take next, best first. */
public record AgentPlan(UUID agent, List<PlannedBuild> builds) {

    public AgentPlan {
        builds = List.copyOf(builds);
    }
}
