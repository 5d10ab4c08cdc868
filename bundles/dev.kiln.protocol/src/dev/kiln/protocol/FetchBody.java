package dev.kiln.protocol;

import java.util.List;

/**
 * {@code POST /agent/v1/fetch}: what the agent can take: its systems, free slots and load, the system features it
 * supports, those it requires of every build it takes ({@code mandatoryFeatures}), and its speed factor (null: 1).
 */
public record FetchBody(List<String> systems, int freeSlots, double load, List<String> features,
        List<String> mandatoryFeatures, Double speedFactor) {

    public FetchBody(List<String> systems, int freeSlots, double load) {
        this(systems, freeSlots, load, List.of(), List.of(), null);
    }
}
