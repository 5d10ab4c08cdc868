package dev.kiln.desktop.model.views;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.kiln.protocol.ChannelInfo;
import dev.kiln.protocol.HookInfo;
import dev.kiln.protocol.JobsetInfo;

/** How tags, channels and commits read in the views, and what else the views derive from the records. */
public final class Texts {

    private Texts() {
    }

    /** Tags as {@code key=value}, space separated, in key order; empty for none. */
    public static String tags(Map<String, String> tags) {
        return tags == null ? "" : new TreeMap<>(tags).entrySet().stream()
                .map(tag -> tag.getKey() + "=" + tag.getValue()).collect(Collectors.joining(" "));
    }

    /** Channels as {@code url#branch}, space separated. */
    public static String channels(List<ChannelInfo> channels) {
        return channels == null ? "" : channels.stream().map(channel -> channel.url() + "#" + channel.branch())
                .collect(Collectors.joining(" "));
    }

    /** Commits as {@code channel@abbreviated-commit}, space separated, in channel order. */
    public static String commits(Map<String, String> commits) {
        return commits == null ? "" : new TreeMap<>(commits).entrySet().stream()
                .map(commit -> commit.getKey() + "@" + commit.getValue().substring(0, Math.min(10,
                        commit.getValue().length())))
                .collect(Collectors.joining(" "));
    }

    /** How many events wait for the hook, of every type. */
    public static int queued(HookInfo hook) {
        return hook.queued() == null ? 0 : hook.queued().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Whether the jobset is evaluated: a jobset that does not say is. */
    public static boolean enabled(JobsetInfo jobset) {
        return jobset.enabled() == null || jobset.enabled();
    }
}
