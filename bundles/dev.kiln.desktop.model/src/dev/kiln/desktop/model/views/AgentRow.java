package dev.kiln.desktop.model.views;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.kiln.desktop.model.Agent;
import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.BuildState;

/** An agent with the builds it is running now (allocated or started). */
public record AgentRow(Agent agent, int running) {

    public static List<AgentRow> of(Collection<Agent> agents, Collection<Build> builds) {
        Map<UUID, Integer> running = new HashMap<>();
        for (Build build : builds) {
            if (build.agent() != null && (build.state() == BuildState.ALLOCATED || build.state() == BuildState.STARTED)) {
                running.merge(build.agent(), 1, Integer::sum);
            }
        }
        return agents.stream().map(agent -> new AgentRow(agent, running.getOrDefault(agent.id(), 0))).toList();
    }
}
