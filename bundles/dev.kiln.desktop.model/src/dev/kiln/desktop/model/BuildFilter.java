package dev.kiln.desktop.model;

import java.util.Set;

import dev.kiln.protocol.BuildState;

/**
 * Which builds a listing asks the coordinator for.
 *
 * @param states only these states; empty for any
 * @param system only this system, or {@code null}
 * @param tag    only builds carrying this {@code key=value} tag, or {@code null}
 */
public record BuildFilter(Set<BuildState> states, String system, String tag) {

    public static final BuildFilter ALL = new BuildFilter(Set.of(), null, null);

    public BuildFilter {
        states = Set.copyOf(states);
    }
}
