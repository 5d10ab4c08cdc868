package dev.kiln.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An agent as the client API shows it.
 * {@code builds} are the builds it holds; {@code load}, {@code freeSlots} and {@code loadReportedAt} what it last
 * reported, null when it has not reported since the coordinator started (or is too old to report them); so are
 * {@code freeDisk}, its free bytes of disk, and {@code idle}, why it takes no work (short of disk, load too high), null
 * when it takes work.
 */
public record AgentInfo(UUID id, String name, String description, List<String> systems, Map<String, String> tags,
        boolean active, Instant lastSeen, AgentStatus status, List<AgentBuildInfo> builds, Double load, Integer freeSlots,
        Instant loadReportedAt, Long freeDisk, String idle) {

    public AgentInfo(UUID id, String name, String description, List<String> systems, Map<String, String> tags,
            boolean active, Instant lastSeen, AgentStatus status) {
        this(id, name, description, systems, tags, active, lastSeen, status, List.of(), null, null, null, null, null);
    }
}
