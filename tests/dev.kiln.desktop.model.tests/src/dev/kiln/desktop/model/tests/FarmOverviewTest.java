package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.views.FarmOverview;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.HookInfo;

class FarmOverviewTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:30:20Z");

    @Test
    void countsBuildsAgentsQueueAndFailingHooks() throws Exception {
        FakeFarm farm = new FakeFarm();
        farm.addBuild("a", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), NOW, null);
        farm.addBuild("b", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), NOW, null);
        farm.addBuild("c", "x86_64-linux", BuildState.FAILED, 0, Map.of(), NOW, NOW);
        farm.addAgent("one", AgentStatus.ONLINE, List.of("x86_64-linux"), NOW);
        farm.addAgent("two", AgentStatus.OFFLINE, List.of("x86_64-linux"), null);
        farm.addAgent("three", AgentStatus.INACTIVE, List.of("x86_64-linux"), null);
        HookInfo failing = new HookInfo("notify", "notify.jar", "1.0.0", List.of("build-failure"),
                Map.of("build-failure", 3), 2, "timed out", NOW);
        HookInfo fine = new HookInfo("retry", null, null, List.of("build-failure"), Map.of(), 0, null, null);

        // The counts come from the coordinator, not from the builds at hand: only the chart reads those.
        FarmOverview overview = FarmOverview.of(farm.countBuilds(), List.of(), agents(farm), List.of(failing, fine),
                NOW);

        assertEquals(2, overview.buildsByState().get(BuildState.SCHEDULED));
        assertEquals(1, overview.buildsByState().get(BuildState.FAILED));
        assertEquals(0, overview.buildsByState().get(BuildState.STARTED));
        assertEquals(3, overview.totalBuilds());
        assertEquals(2, overview.queueLength());
        assertEquals(1, overview.agentsOnline());
        assertEquals(1, overview.agentsOffline());
        assertEquals(1, overview.agentsInactive());
        assertEquals(List.of(failing), overview.failingHooks());
    }

    @Test
    void seriesCountsFinishedBuildsPerMinuteOverTheLastHour() throws Exception {
        FakeFarm farm = new FakeFarm();
        Instant start = NOW.minusSeconds(7200);
        farm.addBuild("now", "s", BuildState.SUCCEEDED, 0, Map.of(), start, NOW.minusSeconds(10));
        farm.addBuild("now2", "s", BuildState.FAILED, 0, Map.of(), start, NOW.minusSeconds(15));
        farm.addBuild("prev", "s", BuildState.SUCCEEDED, 0, Map.of(), start, NOW.minusSeconds(30));
        farm.addBuild("oldest", "s", BuildState.CANCELED, 0, Map.of(), start, NOW.minusSeconds(59 * 60));
        farm.addBuild("too-old", "s", BuildState.SUCCEEDED, 0, Map.of(), start, NOW.minusSeconds(61 * 60));
        farm.addBuild("running", "s", BuildState.STARTED, 0, Map.of(), start, null);

        int[] series = FarmOverview.finishedPerMinute(snapshot(farm), NOW);

        int[] expected = new int[60];
        expected[59] = 2;
        expected[58] = 1;
        expected[0] = 1;
        assertArrayEquals(expected, series);
        assertEquals(2, FarmOverview.of(farm.countBuilds(), snapshot(farm), List.of(), List.of(), NOW).maxPerMinute());
    }

    static List<BuildInfo> snapshot(FakeFarm farm) {
        try {
            return farm.listBuilds(dev.kiln.desktop.model.BuildFilter.ALL, null, 1000).builds();
        } catch (dev.kiln.desktop.model.FarmException e) {
            throw new AssertionError(e);
        }
    }

    static List<AgentInfo> agents(FakeFarm farm) {
        try {
            return farm.agents();
        } catch (dev.kiln.desktop.model.FarmException e) {
            throw new AssertionError(e);
        }
    }
}
