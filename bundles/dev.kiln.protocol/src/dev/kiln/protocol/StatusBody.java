package dev.kiln.protocol;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /agent/v1/status}: the builds the agent is running and, optionally (older agents send none), its load
 * average, free build slots, the free bytes of its disk (the least of its state directory's and its store's) and,
 * while it fetches nothing because it is short of them, why ({@code idle}, for example
 * {@code load 9.10 is above --max-load 8.00}).
 */
public record StatusBody(List<UUID> running, Double load, Integer freeSlots, Long freeDisk, String idle) {

    public StatusBody(List<UUID> running) {
        this(running, null, null, null, null);
    }

    public StatusBody(List<UUID> running, Double load, Integer freeSlots) {
        this(running, load, freeSlots, null, null);
    }
}
