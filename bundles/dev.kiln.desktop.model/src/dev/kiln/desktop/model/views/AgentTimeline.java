package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

/**
 * What each agent ran over a span of time that ends now: one row per agent slot, each build a bar from its start to
 * its end (to now while it runs). The slots are not reported by the agents: each agent's builds are packed into as
 * few rows as never overlap, first fit in order of start, which is what its slots did. An agent with no build in the
 * span still has its row, so that idle agents show. Immutable.
 *
 * @param from  the left edge, {@code to} minus the span
 * @param to    the right edge: now
 * @param rows  agents by name, each agent's slots in order
 */
public record AgentTimeline(Instant from, Instant to, List<Row> rows) {

    /** The spans an operator zooms between, shortest first; the default is an hour. */
    public static final List<Duration> SPANS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(24));
    public static final Duration DEFAULT_SPAN = Duration.ofHours(1);

    public AgentTimeline {
        rows = List.copyOf(rows);
    }

    /**
     * One build on the timeline.
     *
     * @param end when it finished, or {@code null} while it runs
     */
    public record Bar(UUID build, String name, BuildState state, Instant start, Instant end) {

        /** Where the bar ends when drawn at {@code now}. */
        public Instant endOr(Instant now) {
            return end == null ? now : end;
        }
    }

    /**
     * One slot of one agent.
     *
     * @param agentName the agent's name, or its id when the coordinator no longer knows it
     * @param slot      0 for the agent's first row
     * @param bars      by start
     */
    public record Row(UUID agent, String agentName, int slot, List<Bar> bars) {

        public Row {
            bars = List.copyOf(bars);
        }
    }

    /**
     * The timeline of the {@code span} that ends at {@code now}.
     *
     * @param builds the builds known; those an agent started and that ran during the span are shown
     * @param agents the agents known, each given a row even when idle
     */
    public static AgentTimeline of(Collection<BuildInfo> builds, Collection<AgentInfo> agents, Instant now,
            Duration span) {
        Instant from = now.minus(span);
        Map<UUID, String> names = new LinkedHashMap<>();
        agents.stream().sorted(Comparator.comparing(AgentInfo::name)).forEach(agent -> names.put(agent.id(),
                agent.name()));
        Map<UUID, List<Bar>> byAgent = new LinkedHashMap<>();
        names.keySet().forEach(agent -> byAgent.put(agent, new ArrayList<>()));
        for (BuildInfo build : builds) {
            Bar bar = bar(build);
            if (bar != null && bar.endOr(now).isAfter(from) && bar.start().isBefore(now)) {
                byAgent.computeIfAbsent(build.agent(), id -> new ArrayList<>()).add(bar);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<UUID, List<Bar>> agent : byAgent.entrySet()) {
            String name = names.getOrDefault(agent.getKey(), agent.getKey().toString());
            List<List<Bar>> slots = pack(agent.getValue(), now);
            for (int slot = 0; slot < slots.size(); slot++) {
                rows.add(new Row(agent.getKey(), name, slot, slots.get(slot)));
            }
        }
        return new AgentTimeline(from, now, rows);
    }

    /** The bar a build makes: it was started on an agent and is running or has finished; else {@code null}. */
    static Bar bar(BuildInfo build) {
        if (build.agent() == null || build.startedAt() == null) {
            return null;
        }
        if (build.state() == BuildState.STARTED) {
            return new Bar(build.id(), Builds.name(build), build.state(), build.startedAt(), null);
        }
        if (build.finishedAt() != null && build.state().isFinal() && !build.finishedAt().isBefore(build.startedAt())) {
            return new Bar(build.id(), Builds.name(build), build.state(), build.startedAt(),
                    build.finishedAt());
        }
        return null;
    }

    /** First fit by start: each bar goes to the first slot free at its start; at least one slot. */
    private static List<List<Bar>> pack(List<Bar> bars, Instant now) {
        List<Bar> byStart = new ArrayList<>(bars);
        byStart.sort(Comparator.comparing(Bar::start).thenComparing(Bar::build));
        List<List<Bar>> slots = new ArrayList<>();
        List<Instant> freeFrom = new ArrayList<>();
        for (Bar bar : byStart) {
            int slot = 0;
            while (slot < slots.size() && freeFrom.get(slot).isAfter(bar.start())) {
                slot++;
            }
            if (slot == slots.size()) {
                slots.add(new ArrayList<>());
                freeFrom.add(bar.endOr(now));
            }
            slots.get(slot).add(bar);
            freeFrom.set(slot, bar.endOr(now));
        }
        if (slots.isEmpty()) {
            slots.add(List.of());
        }
        return slots;
    }

    /** How many bars the timeline shows. */
    public int barCount() {
        return rows.stream().mapToInt(row -> row.bars().size()).sum();
    }

    /** The next span when zooming out ({@code +1}) or in ({@code -1}) from {@code span}, within {@link #SPANS}. */
    public static Duration zoom(Duration span, int direction) {
        int index = SPANS.indexOf(span);
        if (index < 0) {
            index = SPANS.indexOf(DEFAULT_SPAN);
        }
        return SPANS.get(Math.max(0, Math.min(SPANS.size() - 1, index + Integer.signum(direction))));
    }
}
