package dev.kiln.desktop.model;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A jobset: git channels and the command that, run in the first channel's checkout, prints the derivations to build.
 *
 * @param storeRoot              where the store's files are when not at {@code storeDir}, or empty
 * @param period                 how often it is evaluated; zero for on demand only
 * @param tags                   put on every build it submits
 * @param maxBuildsPerEvaluation at most this many builds an evaluation submits; {@code null} for the coordinator's
 *                               default
 * @param supersede              whether a newer evaluation cancels the pending builds of older ones
 */
public record Jobset(String name, List<Channel> channels, String evaluationCommand, String storeDir, String storeRoot,
        Duration period, int priority, Map<String, String> tags, boolean enabled, Integer maxBuildsPerEvaluation,
        boolean supersede) {

    public Jobset {
        Objects.requireNonNull(name, "name");
        channels = List.copyOf(channels == null ? List.of() : channels);
        evaluationCommand = evaluationCommand == null ? "" : evaluationCommand;
        storeDir = storeDir == null ? "" : storeDir;
        storeRoot = storeRoot == null ? "" : storeRoot;
        period = period == null ? Duration.ZERO : period;
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags == null ? Map.of() : tags));
    }

    /** The same jobset, enabled or disabled. */
    public Jobset withEnabled(boolean isEnabled) {
        return new Jobset(name, channels, evaluationCommand, storeDir, storeRoot, period, priority, tags, isEnabled,
                maxBuildsPerEvaluation, supersede);
    }

    /** The channels as {@code url#branch}, space separated. */
    public String channelsText() {
        return channels.stream().map(channel -> channel.url() + "#" + channel.branch())
                .collect(Collectors.joining(" "));
    }

    /** The tags as {@code key=value}, space separated, in key order. */
    public String tagsText() {
        return tags.entrySet().stream().map(tag -> tag.getKey() + "=" + tag.getValue())
                .collect(Collectors.joining(" "));
    }
}
