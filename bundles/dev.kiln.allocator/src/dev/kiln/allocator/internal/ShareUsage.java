package dev.kiln.allocator.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.kiln.api.Tag;
import dev.kiln.api.allocation.PendingBuild;

/**
 * The build time each share group used over the last {@link #WINDOW_MILLIS}, in memory: the builds that finished
 * within the window, by their start and end, and the time the running builds have run so far. Each question costs
 * the expiry of what left the window since the last one, and a few additions. Not thread-safe: owned by the
 * allocator's thread.
 */
final class ShareUsage {

    /** How far back build time counts. */
    static final long WINDOW_MILLIS = TimeUnit.HOURS.toMillis(24);

    private final Map<Tag, Group> groups = new HashMap<>();
    private final Map<String, Integer> jobsetShares = new HashMap<>();

    /** Sets the shares of a jobset's group, {@code jobset=<name>}; groups without shares set have 1. */
    void setShares(String jobset, int shares) {
        if (shares < 1) {
            throw new IllegalArgumentException("shares are at least 1: " + shares);
        }
        jobsetShares.put(jobset, shares);
    }

    int shares(Tag group) {
        return group != null && group.key().equals(PendingBuild.JOBSET_TAG)
                ? jobsetShares.getOrDefault(group.value(), 1) : 1;
    }

    /** A build of the group started running. */
    void started(Tag group, long startedAt) {
        Group g = group(group);
        g.running++;
        g.runningStartSum += startedAt;
    }

    /** A running build of the group stopped (finished, or taken back): the time it ran counts as used. */
    void stopped(Tag group, long startedAt, long now) {
        Group g = group(group);
        g.running--;
        g.runningStartSum -= startedAt;
        finished(group, now, Math.max(0, now - startedAt));
    }

    /** A build of the group that finished at {@code finishedAt} after {@code millis} of build time. */
    void finished(Tag group, long finishedAt, long millis) {
        Group g = group(group);
        g.finished.addLast(new long[] {finishedAt, millis});
        g.finishedMillis += millis;
    }

    /** The build time the group used over the window before {@code now}, its running builds included. */
    long usedMillis(Tag group, long now) {
        Group g = groups.get(group);
        if (g == null) {
            return 0;
        }
        while (!g.finished.isEmpty() && g.finished.peekFirst()[0] <= now - WINDOW_MILLIS) {
            g.finishedMillis -= g.finished.pollFirst()[1];
        }
        return g.finishedMillis + Math.max(0, g.running * now - g.runningStartSum);
    }

    /** Build time used relative to shares: the group with the least goes first among equal priorities. */
    double usedPerShare(Tag group, long now) {
        return usedMillis(group, now) / (double) shares(group);
    }

    private Group group(Tag group) {
        return groups.computeIfAbsent(group, k -> new Group());
    }

    private static final class Group {
        /** Finish time and build time of the builds finished in the window, in the order they finished. */
        final Deque<long[]> finished = new ArrayDeque<>();
        long finishedMillis;
        int running;
        long runningStartSum;
    }
}
