package dev.kiln.protocol;

import java.util.List;

/**
 * {@code POST /agent/v1/fetch}: what the agent can take: its systems, free slots and load, the system features it
 * supports, those it requires of every build it takes ({@code mandatoryFeatures}), and its speed factor (null: 1).
 * {@code freeSlots} is how many builds it asks for, counting those allocated to it that it has not started;
 * {@code running}, how many builds run their builder on it now (null from agents that do not say), so that its free
 * slots are {@code freeSlots - running}.
 */
public record FetchBody(List<String> systems, int freeSlots, double load, List<String> features,
        List<String> mandatoryFeatures, Double speedFactor, Integer running) {

    public FetchBody(List<String> systems, int freeSlots, double load) {
        this(systems, freeSlots, load, List.of(), List.of(), null, null);
    }
}
