package dev.kiln.coordinator.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/**
 * A build whose agent shows no sign of life for it past the stall time is taken back, even while the agent itself
 * sends heartbeats, and built elsewhere; the old agent's late reports are refused. A build its agent names goes on.
 */
class StalledBuildTest {

    private static final BundleContext CONTEXT = Services.context(StalledBuildTest.class);
    private static Configuration datastoreConfiguration;
    private static Configuration coordinatorConfiguration;
    private static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        stateDir = StateDirectories.create("kiln-stalled-build-test-");
        datastoreConfiguration = Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", stateDir.toString()));
        coordinatorConfiguration = Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir",
                stateDir.toString(), "build.stall.seconds", 1L));
    }

    @AfterAll
    static void stop() throws Exception {
        coordinatorConfiguration.delete();
        datastoreConfiguration.delete();
        Services.awaitGone(CONTEXT, BuildService.class);
        StateDirectories.delete(stateDir);
    }

    @Test
    void aBuildWithoutSignOfLifeIsTakenBackAndItsLateReportRefused() throws Exception {
        BuildService builds = Services.await(CONTEXT, BuildService.class);
        AgentBuildService agentBuilds = Services.await(CONTEXT, AgentBuildService.class);
        AgentService agents = Services.await(CONTEXT, AgentService.class);
        EventService events = Services.await(CONTEXT, EventService.class);
        Graphs graph = new Graphs();
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b");
        builds.submit(new SubmitRequest(List.of(a, b), List.of(new BuildSubmission(a.path(), SubmitOptions.DEFAULT),
                new BuildSubmission(b.path(), SubmitOptions.DEFAULT))));
        UUID stuck = agents.create(new NewAgent("stuck", "", Set.of(graph.system()), Set.of())).agent().id();
        UUID alive = agents.create(new NewAgent("alive", "", Set.of(graph.system()), Set.of())).agent().id();
        Build stalled = agentBuilds.fetch(stuck, new FetchRequest(Set.of(), 1)).get(0);
        agentBuilds.reportStarted(stuck, stalled.id());
        Build kept = agentBuilds.fetch(alive, new FetchRequest(Set.of(), 1)).get(0);
        agentBuilds.reportStarted(alive, kept.id());

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (builds.get(stalled.id()).state() != BuildState.SCHEDULED && System.nanoTime() < deadline) {
            agents.heartbeat(stuck);
            agents.alive(alive, List.of(kept.id()));
            Thread.sleep(100);
        }

        assertEquals(BuildState.SCHEDULED, builds.get(stalled.id()).state(), "the stalled build is back to scheduled");
        assertEquals(BuildState.STARTED, builds.get(kept.id()).state(), "the build its agent names goes on");
        Event event = events.after(0, 1000).stream().filter(e -> e.type() == EventType.BUILD_STALLED).findFirst()
                .orElseThrow(() -> new AssertionError("no build-stalled event"));
        assertEquals(stalled.id(), event.buildId());
        assertEquals(stuck, event.agentId());
        assertEquals("started", event.data().get("previous-state"), event.data().toString());

        // The allocator learns of the build scheduled again just after the commit that a read may see first.
        List<Build> again = agentBuilds.fetch(alive, new FetchRequest(Set.of(), 2));
        while (again.stream().noneMatch(build -> build.id().equals(stalled.id())) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            again = agentBuilds.fetch(alive, new FetchRequest(Set.of(), 2));
        }
        assertTrue(again.stream().anyMatch(build -> build.id().equals(stalled.id())), "built elsewhere: " + again);
        agentBuilds.reportStarted(alive, stalled.id());
        assertThrows(NotAllocatedToAgentException.class, () -> agentBuilds.reportSuccess(stuck, stalled.id(), List.of()),
                "the stuck agent's late report is refused");
        assertThrows(NotAllocatedToAgentException.class, () -> agentBuilds.reportFailure(stuck, stalled.id()));
        assertEquals(alive, builds.get(stalled.id()).agentId(), "the new attempt stands");
        assertEquals(BuildState.STARTED, builds.get(stalled.id()).state());
    }
}
