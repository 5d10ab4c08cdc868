package dev.kiln.ci.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentService;
import dev.kiln.api.Build;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.NewAgent;

/** An agent played through the coordinator's agent service: it takes builds and fails them, uploading nothing. */
final class FakeAgent {

    private final AgentBuildService agentBuilds;
    private final UUID id;
    private final Set<String> systems;

    FakeAgent(AgentService agents, AgentBuildService agentBuilds, String name, Set<String> systems) {
        this.agentBuilds = agentBuilds;
        this.systems = Set.copyOf(systems);
        this.id = agents.create(new NewAgent(name, "fails every build", systems, Set.of())).agent().id();
    }

    /** The builds the coordinator hands it now. */
    List<Build> fetch() {
        return agentBuilds.fetch(id, new FetchRequest(systems, 100));
    }

    /** Takes these builds as the coordinator hands them out, and fails each. */
    void fail(Collection<UUID> builds) throws InterruptedException {
        Set<UUID> left = new HashSet<>(builds);
        long deadline = System.nanoTime() + CiFixtures.EVALUATION_TIMEOUT.toNanos();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            for (Build build : fetch()) {
                if (left.remove(build.id())) {
                    agentBuilds.reportStarted(id, build.id());
                    agentBuilds.reportFailure(id, build.id());
                }
            }
            Thread.sleep(50);
        }
        assertEquals(Set.of(), left, "builds the agent was never given");
    }
}
