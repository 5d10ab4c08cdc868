package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.views.AgentTimeline;
import dev.kiln.desktop.model.views.AgentTimeline.Bar;
import dev.kiln.desktop.model.views.AgentTimeline.Row;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

class AgentTimelineTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final AgentInfo ALPHA = agent("alpha");
    private static final AgentInfo BETA = agent("beta");
    private static final AgentInfo IDLE = agent("idle");

    @Test
    void packsEachAgentsBuildsIntoAsManySlotsAsRanAtOnce() {
        BuildInfo first = ran("first", ALPHA, 50, 40, BuildState.SUCCEEDED);
        BuildInfo overlapping = ran("overlapping", ALPHA, 45, 30, BuildState.FAILED);
        BuildInfo afterFirst = ran("after-first", ALPHA, 8, 5, BuildState.SUCCEEDED);
        BuildInfo running = running("running", BETA, 10);

        AgentTimeline timeline = AgentTimeline.of(List.of(afterFirst, running, overlapping, first),
                List.of(BETA, IDLE, ALPHA), NOW, Duration.ofHours(1));

        assertEquals(NOW.minus(Duration.ofHours(1)), timeline.from());
        assertEquals(List.of("alpha/0", "alpha/1", "beta/0", "idle/0"), timeline.rows().stream()
                .map(row -> row.agentName() + "/" + row.slot()).toList(), "agents by name, idle ones too");
        assertEquals(List.of("first.drv", "after-first.drv"), names(timeline.rows().get(0)),
                "a slot free again takes the next build");
        assertEquals(List.of("overlapping.drv"), names(timeline.rows().get(1)));
        assertEquals(List.of(), timeline.rows().get(3).bars());
        Bar bar = timeline.rows().get(2).bars().get(0);
        assertNull(bar.end(), "a running build has no end yet");
        assertEquals(NOW, bar.endOr(NOW));
        assertEquals(BuildState.FAILED, timeline.rows().get(1).bars().get(0).state());
        assertEquals(4, timeline.barCount());
    }

    @Test
    void showsOnlyBuildsThatRanInTheSpan() {
        BuildInfo longAgo = ran("long-ago", ALPHA, 200, 100, BuildState.SUCCEEDED);
        BuildInfo intoTheSpan = ran("into-the-span", ALPHA, 70, 20, BuildState.SUCCEEDED);
        BuildInfo queued = new BuildInfo(UUID.randomUUID(), BuildState.SCHEDULED, "/nix/store/a-queued.drv",
                "x86_64-linux", 0, Map.of(), Map.of(), null, NOW.minusSeconds(60), null, null, 0, null, List.of());
        BuildInfo canceledBeforeStart = new BuildInfo(UUID.randomUUID(), BuildState.CANCELED,
                "/nix/store/a-canceled.drv", "x86_64-linux", 0, Map.of(), Map.of(), ALPHA.id(), NOW.minusSeconds(600),
                null, NOW.minusSeconds(300), 0, null, List.of());

        AgentTimeline timeline = AgentTimeline.of(List.of(longAgo, intoTheSpan, queued, canceledBeforeStart),
                List.of(ALPHA), NOW, Duration.ofHours(1));

        assertEquals(List.of("into-the-span.drv"), names(timeline.rows().get(0)));
        assertEquals(1, timeline.rows().size());
        AgentTimeline shorter = AgentTimeline.of(List.of(intoTheSpan), List.of(ALPHA), NOW, Duration.ofMinutes(30));
        assertEquals(List.of(), names(shorter.rows().get(0)), "zoomed in, the older build is out of sight");
    }

    @Test
    void aBuildOfAnAgentNoLongerKnownKeepsARowNamedByItsId() {
        AgentInfo removed = agent("removed");
        AgentTimeline timeline = AgentTimeline.of(List.of(ran("orphan", removed, 30, 10, BuildState.SUCCEEDED)),
                List.of(), NOW, Duration.ofHours(1));

        assertEquals(removed.id().toString(), timeline.rows().get(0).agentName());
    }

    @Test
    void zoomsBetweenFixedSpans() {
        assertEquals(Duration.ofHours(3), AgentTimeline.zoom(AgentTimeline.DEFAULT_SPAN, 1));
        assertEquals(Duration.ofMinutes(30), AgentTimeline.zoom(AgentTimeline.DEFAULT_SPAN, -1));
        assertEquals(Duration.ofMinutes(5), AgentTimeline.zoom(Duration.ofMinutes(5), -1), "no closer than the first");
        assertEquals(Duration.ofHours(24), AgentTimeline.zoom(Duration.ofHours(24), 1), "no further than the last");
    }

    private static List<String> names(Row row) {
        return row.bars().stream().map(Bar::name).toList();
    }

    private static AgentInfo agent(String name) {
        return new AgentInfo(UUID.randomUUID(), name, "", List.of("x86_64-linux"), Map.of(), true, NOW,
                AgentStatus.ONLINE);
    }

    /** A build that started {@code minutesAgo} and ran {@code minutes}. */
    private static BuildInfo ran(String name, AgentInfo agent, int minutesAgo, int minutes, BuildState state) {
        Instant start = NOW.minus(Duration.ofMinutes(minutesAgo));
        return new BuildInfo(UUID.randomUUID(), state, "/nix/store/aaaa-" + name + ".drv", "x86_64-linux", 0, Map.of(),
                Map.of(), agent.id(), start.minusSeconds(5), start, start.plus(Duration.ofMinutes(minutes)), 0, null,
                List.of());
    }

    private static BuildInfo running(String name, AgentInfo agent, int minutesAgo) {
        Instant start = NOW.minus(Duration.ofMinutes(minutesAgo));
        return new BuildInfo(UUID.randomUUID(), BuildState.STARTED, "/nix/store/aaaa-" + name + ".drv",
                "x86_64-linux", 0, Map.of(), Map.of(), agent.id(), start.minusSeconds(5), start, null, 0, null,
                List.of());
    }
}
