package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/**
 * An agent as the client API shows it; {@code status} is {@code online}, {@code offline} or {@code inactive}.
 * {@code builds} are the builds it holds; {@code load}, {@code freeSlots} and {@code loadReportedAt} what it last
 * reported, null when it has not reported since the coordinator started (or is too old to report them); so are
 * {@code freeDisk}, its free bytes of disk, and {@code idle}, why it takes no work (short of disk, load too high), null
 * when it takes work.
 */
public record AgentInfo(String id, String name, String description, List<String> systems, Map<String, String> tags,
        boolean active, String lastSeen, String status, List<AgentBuildInfo> builds, Double load, Integer freeSlots,
        String loadReportedAt, Long freeDisk, String idle) {

    public AgentInfo(String id, String name, String description, List<String> systems, Map<String, String> tags,
            boolean active, String lastSeen, String status) {
        this(id, name, description, systems, tags, active, lastSeen, status, List.of(), null, null, null, null, null);
    }
}
