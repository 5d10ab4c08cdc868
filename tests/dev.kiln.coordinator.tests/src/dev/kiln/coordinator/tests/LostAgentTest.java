package dev.kiln.coordinator.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventService;
import dev.kiln.api.EventType;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.NewAgent;
import dev.kiln.api.NotAllocatedToAgentException;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitRequest;
import dev.kiln.testing.Services;
import dev.kiln.testing.StateDirectories;

/** An agent silent past the timeout loses its builds; one that keeps sending heartbeats keeps them. */
class LostAgentTest {

    private static final BundleContext CONTEXT = Services.context(LostAgentTest.class);
    private static Configuration datastoreConfiguration;
    private static Configuration coordinatorConfiguration;
    private static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        stateDir = StateDirectories.create("kiln-lost-agent-test-");
        datastoreConfiguration = Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", stateDir.toString()));
        coordinatorConfiguration = Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir", stateDir.toString(),
                "agent.timeout.seconds", 1L));
    }

    @AfterAll
    static void stop() throws Exception {
        coordinatorConfiguration.delete();
        datastoreConfiguration.delete();
        Services.awaitGone(CONTEXT, BuildService.class);
        StateDirectories.delete(stateDir);
    }

    @Test
    void aSilentAgentLosesItsBuildsAndALiveOneKeepsThem() throws Exception {
        BuildService builds = Services.await(CONTEXT, BuildService.class);
        AgentBuildService agentBuilds = Services.await(CONTEXT, AgentBuildService.class);
        AgentService agents = Services.await(CONTEXT, AgentService.class);
        EventService events = Services.await(CONTEXT, EventService.class);
        Graphs graph = new Graphs();
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b");
        builds.submit(new SubmitRequest(List.of(a, b), List.of(new BuildSubmission(a.path(), SubmitOptions.DEFAULT),
                new BuildSubmission(b.path(), SubmitOptions.DEFAULT))));
        UUID silent = agents.create(new NewAgent("silent", "", Set.of(graph.system()), Set.of())).agent().id();
        UUID alive = agents.create(new NewAgent("alive", "", Set.of(graph.system()), Set.of())).agent().id();
        Build lost = agentBuilds.fetch(silent, new FetchRequest(Set.of(), 1)).get(0);
        agentBuilds.reportStarted(silent, lost.id());
        Build kept = agentBuilds.fetch(alive, new FetchRequest(Set.of(), 1)).get(0);

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (builds.get(lost.id()).state() != BuildState.SCHEDULED && System.nanoTime() < deadline) {
            agents.heartbeat(alive);
            Thread.sleep(100);
        }

        Build back = builds.get(lost.id());
        assertEquals(BuildState.SCHEDULED, back.state(), "the silent agent's build is back to scheduled");
        assertNull(back.agentId());
        assertEquals(BuildState.ALLOCATED, builds.get(kept.id()).state(), "the live agent keeps its build");
        Event event = events.after(0, 1000).stream().filter(e -> e.type() == EventType.AGENT_LOST).findFirst()
                .orElseThrow(() -> new AssertionError("no agent-lost event"));
        assertEquals(silent, event.agentId());
        assertTrue(event.data().get("builds").contains(lost.id().toString()), event.data().toString());
        try {
            agentBuilds.reportSuccess(silent, lost.id(), List.of());
            throw new AssertionError("a lost agent's late report must be refused");
        } catch (NotAllocatedToAgentException expected) {
            assertEquals(lost.id(), expected.buildId());
        }
    }
}
