package dev.kiln.protocol;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /agent/v1/status}: the builds the agent is running and, optionally (older agents send neither), its
 * load average and free build slots.
 */
public record StatusBody(List<UUID> running, Double load, Integer freeSlots) {

    public StatusBody(List<UUID> running) {
        this(running, null, null);
    }
}
