package dev.kiln.protocol;

import java.util.List;

/**
 * {@code POST /agent/v1/status}: the builds the agent is running and, optionally (older agents send neither), its
 * load average and free build slots.
 */
public record StatusBody(List<String> running, Double load, Integer freeSlots) {

    public StatusBody(List<String> running) {
        this(running, null, null);
    }
}
