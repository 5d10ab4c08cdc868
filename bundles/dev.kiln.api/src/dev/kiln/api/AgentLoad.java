package dev.kiln.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What an agent last said of its load, with a fetch or a heartbeat. Kept in the coordinator's memory only.
 *
 * @param loadAverage its one-minute load average, 0 or more
 * @param freeSlots   how many more builds it could take, 0 or more
 * @param reportedAt  when it said so
 * @param freeDisk    its free bytes of disk, or {@code null} when it did not say
 * @param idle        why it takes no work (short of disk, load too high), or {@code null} when it takes work
 */
public record AgentLoad(double loadAverage, int freeSlots, Instant reportedAt, Long freeDisk, String idle) {

    /** A load without the state of the agent's disk. */
    public AgentLoad(double loadAverage, int freeSlots, Instant reportedAt) {
        this(loadAverage, freeSlots, reportedAt, null, null);
    }

    public AgentLoad {
        Objects.requireNonNull(reportedAt, "reportedAt");
        if (!(loadAverage >= 0) || Double.isInfinite(loadAverage)) {
            throw new InvalidRequestException("a load average is a finite number, 0 or more: " + loadAverage);
        }
        if (freeSlots < 0 || freeSlots > FetchRequest.MAX_FREE_SLOTS) {
            throw new InvalidRequestException("free slots must be between 0 and " + FetchRequest.MAX_FREE_SLOTS
                    + ": " + freeSlots);
        }
    }
}
