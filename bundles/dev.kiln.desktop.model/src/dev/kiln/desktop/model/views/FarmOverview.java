package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.HookInfo;

/**
 * The farm at a glance.
 *
 * @param buildsByState    how many builds are in each state (every state present, zero included)
 * @param queueLength      builds waiting for an agent (scheduled)
 * @param finishedPerMinute builds that reached a final state in each of the last {@link #MINUTES} minutes, oldest
 *                         first; the last entry is the current minute
 * @param failingHooks     hooks with failures being retried
 */
public record FarmOverview(Map<BuildState, Long> buildsByState, long totalBuilds, long queueLength, int agentsOnline,
        int agentsOffline, int agentsInactive, int[] finishedPerMinute, List<HookInfo> failingHooks) {

    public static final int MINUTES = 60;

    public FarmOverview {
        buildsByState = Collections.unmodifiableMap(new EnumMap<>(buildsByState));
        finishedPerMinute = finishedPerMinute.clone();
        failingHooks = List.copyOf(failingHooks);
    }

    /**
     * @param counts the coordinator's count of builds by state
     * @param recent the builds seen lately, for the throughput of the last hour
     */
    public static FarmOverview of(Map<BuildState, Long> counts, Collection<BuildInfo> recent, Collection<AgentInfo> agents,
            Collection<HookInfo> hooks, Instant now) {
        Map<BuildState, Long> byState = new EnumMap<>(BuildState.class);
        long total = 0;
        for (BuildState state : BuildState.values()) {
            long count = counts.getOrDefault(state, 0L);
            byState.put(state, count);
            total += count;
        }
        int online = 0;
        int offline = 0;
        int inactive = 0;
        for (AgentInfo agent : agents) {
            switch (agent.status()) {
                case ONLINE -> online++;
                case OFFLINE -> offline++;
                case INACTIVE -> inactive++;
            }
        }
        return new FarmOverview(byState, total, byState.get(BuildState.SCHEDULED), online, offline, inactive,
                finishedPerMinute(recent, now), hooks.stream().filter(hook -> hook.failures() > 0).toList());
    }

    /** The per-minute series of builds finished over the last hour, oldest minute first. */
    public static int[] finishedPerMinute(Collection<BuildInfo> builds, Instant now) {
        int[] series = new int[MINUTES];
        Instant currentMinute = now.truncatedTo(ChronoUnit.MINUTES);
        for (BuildInfo build : builds) {
            Instant finished = build.finishedAt();
            if (finished == null || !build.state().isFinal() || finished.isAfter(now)) {
                continue;
            }
            long minutesAgo = Duration.between(finished.truncatedTo(ChronoUnit.MINUTES),
                    currentMinute).toMinutes();
            if (minutesAgo >= 0 && minutesAgo < MINUTES) {
                series[MINUTES - 1 - (int) minutesAgo]++;
            }
        }
        return series;
    }

    public int agentsTotal() {
        return agentsOnline + agentsOffline + agentsInactive;
    }

    public int maxPerMinute() {
        int max = 0;
        for (int count : finishedPerMinute) {
            max = Math.max(max, count);
        }
        return max;
    }
}
