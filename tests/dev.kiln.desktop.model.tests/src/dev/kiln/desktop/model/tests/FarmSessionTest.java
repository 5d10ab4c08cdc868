package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.tests.fake.ManualScheduler;
import dev.kiln.desktop.model.views.ActionResult;
import dev.kiln.desktop.model.views.BuildsModel;
import dev.kiln.desktop.model.views.ConnectionState;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.EventType;
import dev.kiln.retry.Backoff;

class FarmSessionTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    private final ManualScheduler scheduler = new ManualScheduler(T0);

    @Test
    void connectsAndListsEveryBuildPageByPage() {
        FakeFarm farm = new FakeFarm();
        for (int i = 0; i < 2500; i++) {
            farm.addBuild("b" + i, "x86_64-linux", BuildState.SUCCEEDED, 0, Map.of(), T0.minusSeconds(i), T0);
        }
        FarmSession session = start(farm);

        assertEquals(ConnectionState.CONNECTED, session.supervisor().status().state());
        assertEquals(2500, session.builds().store().size());
        assertTrue(session.builds().listed());
        assertEquals(1, farm.openStreams());
    }

    @Test
    void countsEveryBuildButListsOnlyTheMostRecentOnes() {
        FakeFarm farm = new FakeFarm();
        int builds = BuildsModel.RECENT_PAGES * BuildsModel.PAGE_SIZE + 1500;
        for (int i = 0; i < builds; i++) {
            farm.addBuild("b" + i, "x86_64-linux", i < 1500 ? BuildState.FAILED : BuildState.SUCCEEDED, 0, Map.of(),
                    T0.plusSeconds(i), T0.plusSeconds(i));
        }
        FarmSession session = start(farm);

        assertEquals(builds, session.builds().total());
        assertEquals(1500L, session.builds().counts().get(BuildState.FAILED));
        assertEquals(0L, session.builds().counts().get(BuildState.SCHEDULED));
        assertEquals(BuildsModel.RECENT_PAGES * BuildsModel.PAGE_SIZE, session.builds().store().size());
        assertEquals(BuildsModel.RECENT_PAGES, farm.listings(), "the oldest builds are not listed");
        assertTrue(session.builds().store().snapshot().stream().allMatch(b -> b.state() == BuildState.SUCCEEDED),
                "the most recent are listed");
    }

    @Test
    void showsWhatEachAgentRunsAndCountsAgainAfterEvents() {
        FakeFarm farm = new FakeFarm();
        BuildInfo build = farm.addBuild("hello", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), T0, null);
        AgentInfo agent = farm.addAgent("builder", AgentStatus.ONLINE,
                List.of("x86_64-linux"), T0);
        FarmSession session = start(farm);
        assertEquals(0, session.agents().agents().get(0).builds().size());
        assertEquals(1L, session.builds().counts().get(BuildState.SCHEDULED));

        farm.hold(agent.id(), build.id());
        scheduler.advance(Duration.ofSeconds(1));

        assertEquals(1, session.agents().agents().get(0).builds().size());
        assertEquals(build.id(), session.agents().agents().get(0).builds().get(0).id());
        assertEquals(BuildState.STARTED, session.agents().agents().get(0).builds().get(0).state());
        assertEquals(0L, session.builds().counts().get(BuildState.SCHEDULED));
        assertEquals(1L, session.builds().counts().get(BuildState.STARTED));
    }

    @Test
    void tagsSeveralBuildsAtOnce() throws Exception {
        FakeFarm farm = new FakeFarm();
        BuildInfo a = farm.addBuild("a", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of("old", "1"), T0, null);
        BuildInfo b = farm.addBuild("b", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), T0, null);
        FarmSession session = start(farm);

        ActionResult result = session.buildCommands().tag(List.of(a.id(), b.id()), Map.of("release", "24.11"), List.of("old")).get();

        assertTrue(result.isComplete());
        assertEquals(Map.of("release", "24.11"), farm.get(a.id()).tags());
        assertEquals(Map.of("release", "24.11"), session.builds().store().get(b.id()).tags());
    }

    @Test
    void saysWhenItTriesAgainWhileTheCoordinatorIsDownAndConnectsWhenItAnswers() {
        FakeFarm farm = new FakeFarm(scheduler);
        farm.setDown(true);
        FarmSession session = start(farm);

        assertEquals(ConnectionState.COORDINATOR_DOWN, session.supervisor().status().state());
        assertEquals(T0.plusSeconds(1), session.supervisor().status().nextRetry());
        assertEquals(1, farm.attempts());

        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(2, farm.attempts());
        assertEquals(T0.plusSeconds(1 + 2), session.supervisor().status().nextRetry());

        farm.setDown(false);
        scheduler.advance(Duration.ofSeconds(2));
        assertEquals(3, farm.attempts());
        assertEquals(ConnectionState.CONNECTED, session.supervisor().status().state());
        assertNull(session.supervisor().status().nextRetry());
    }

    @Test
    void stopsOnAWrongTokenUntilTheOperatorReconnects() {
        FakeFarm farm = new FakeFarm(URI.create("http://127.0.0.1:8746"), "secret", "wrong", scheduler);
        FarmSession session = start(farm);

        assertEquals(ConnectionState.WRONG_TOKEN, session.supervisor().status().state());
        scheduler.advance(Duration.ofMinutes(5));
        assertEquals(1, farm.attempts(), "a refused token is not retried by itself");

        session.supervisor().reconnect();
        assertEquals(2, farm.attempts());
        assertEquals(ConnectionState.WRONG_TOKEN, session.supervisor().status().state());
    }

    @Test
    void readsEverythingAgainWhenTheStreamComesBackAfterADrop() {
        FakeFarm farm = new FakeFarm(scheduler);
        BuildInfo build = farm.addBuild("hello", "x86_64-linux", BuildState.STARTED, 0, Map.of(), T0, null);
        FarmSession session = start(farm);
        farm.emit(EventType.BUILD_STARTED, build.id(), null);

        farm.setDown(true);
        farm.dropStreams();
        assertEquals(ConnectionState.COORDINATOR_DOWN, session.supervisor().status().state());
        assertEquals(T0.plusSeconds(1), session.supervisor().status().nextRetry());
        // Seen by no stream: the session learns it by reading the builds again.
        farm.transition(build.id(), BuildState.SUCCEEDED, T0);

        farm.setDown(false);
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(ConnectionState.CONNECTED, session.supervisor().status().state());
        assertEquals(BuildState.SUCCEEDED, session.builds().store().get(build.id()).state());
        assertEquals(1L, session.builds().counts().get(BuildState.SUCCEEDED));
        assertEquals(1, farm.openStreams());
    }

    @Test
    void anEventBringsTheBuildsNewState() {
        FakeFarm farm = new FakeFarm();
        BuildInfo build = farm.addBuild("hello", "x86_64-linux", BuildState.STARTED, 0, Map.of(), T0, null);
        FarmSession session = start(farm);

        farm.transition(build.id(), BuildState.SUCCEEDED, T0.plusSeconds(30));
        assertEquals(BuildState.STARTED, session.builds().store().get(build.id()).state(), "events are read in batches");
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(BuildState.SUCCEEDED, session.builds().store().get(build.id()).state());
    }

    @Test
    void cancelsSeveralBuildsAndSaysWhichItCouldNot() throws Exception {
        FakeFarm farm = new FakeFarm();
        BuildInfo scheduled = farm.addBuild("a", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), T0, null);
        BuildInfo started = farm.addBuild("b", "x86_64-linux", BuildState.STARTED, 0, Map.of(), T0, null);
        BuildInfo done = farm.addBuild("c", "x86_64-linux", BuildState.SUCCEEDED, 0, Map.of(), T0, T0);
        FarmSession session = start(farm);

        ActionResult result = session.buildCommands().cancel(List.of(scheduled.id(), started.id(), done.id())).get();

        assertEquals(2, result.succeeded());
        assertEquals(1, result.failures().size());
        assertTrue(result.failures().get(0).contains("cannot be canceled"), result.failures().toString());
        assertEquals(BuildState.CANCELED, session.builds().store().get(scheduled.id()).state());
        assertEquals(BuildState.CANCELED, session.builds().store().get(started.id()).state());
        assertEquals(ConnectionState.CONNECTED, session.supervisor().status().state(), "a refusal is not a lost connection");
    }

    @Test
    void retriesAndReprioritisesSeveralBuilds() throws Exception {
        FakeFarm farm = new FakeFarm();
        BuildInfo failed = farm.addBuild("a", "x86_64-linux", BuildState.FAILED, 0, Map.of(), T0, T0);
        BuildInfo canceled = farm.addBuild("b", "x86_64-linux", BuildState.CANCELED, 0, Map.of(), T0, T0);
        FarmSession session = start(farm);

        assertTrue(session.buildCommands().retry(List.of(failed.id(), canceled.id())).get().isComplete());
        assertTrue(session.buildCommands().setPriority(Set.of(failed.id(), canceled.id()), 7).get().isComplete());

        for (BuildInfo build : List.of(failed, canceled)) {
            assertEquals(BuildState.SCHEDULED, session.builds().store().get(build.id()).state());
            assertEquals(7, session.builds().store().get(build.id()).priority());
        }
    }

    @Test
    void anActionThatFindsTheCoordinatorDownStartsReconnecting() {
        FakeFarm farm = new FakeFarm(scheduler);
        BuildInfo build = farm.addBuild("a", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), T0, null);
        FarmSession session = start(farm);
        farm.setDown(true);

        assertTrue(session.buildCommands().cancel(List.of(build.id())).isCompletedExceptionally());
        assertEquals(ConnectionState.COORDINATOR_DOWN, session.supervisor().status().state());
        assertEquals(0, farm.openStreams());

        farm.setDown(false);
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(ConnectionState.CONNECTED, session.supervisor().status().state());
        assertEquals(1, farm.openStreams());
    }

    @Test
    void closingStopsEveryRetry() {
        FakeFarm farm = new FakeFarm(scheduler);
        farm.setDown(true);
        FarmSession session = start(farm);
        session.close();

        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(1, farm.attempts());
        assertEquals(ConnectionState.CLOSED, session.supervisor().status().state());
    }

    private FarmSession start(FakeFarm farm) {
        FarmSession session = new FarmSession(farm, scheduler, Backoff.DEFAULT);
        session.start();
        return session;
    }
}
