package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.kiln.protocol.BuildInfo;

/** One step in the life of a build. */
public record TimelineEntry(Instant time, String step, String detail) {

    /** The steps a build's record shows, in time order. */
    public static List<TimelineEntry> of(BuildInfo build) {
        List<TimelineEntry> entries = new ArrayList<>();
        entries.add(new TimelineEntry(build.createdAt(), "submitted", "priority " + build.priority()));
        if (build.deferUntil() != null) {
            entries.add(new TimelineEntry(build.deferUntil(), "deferred until", ""));
        }
        if (build.setupFailures() > 0) {
            entries.add(new TimelineEntry(null, "setup failures", String.valueOf(build.setupFailures())));
        }
        if (build.startedAt() != null) {
            entries.add(new TimelineEntry(build.startedAt(), "started",
                    build.agent() == null ? "" : "on agent " + build.agent()));
        } else if (build.agent() != null) {
            entries.add(new TimelineEntry(null, "allocated", "to agent " + build.agent()));
        }
        if (build.finishedAt() != null) {
            entries.add(new TimelineEntry(build.finishedAt(), build.state().toString(), durationText(build)));
        } else {
            entries.add(new TimelineEntry(null, "now " + build.state().toString(), ""));
        }
        return entries;
    }

    private static String durationText(BuildInfo build) {
        if (build.startedAt() == null) {
            return "";
        }
        long seconds = Duration.between(build.startedAt(), build.finishedAt()).toSeconds();
        return "after " + DurationText.of(seconds);
    }
}
