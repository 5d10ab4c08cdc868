package dev.kiln.desktop.model;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * An agent as the client API shows it.
 *
 * @param lastSeen {@code null} if it never fetched
 * @param load     the load it reported with its last fetch, or {@code NaN} when unknown
 * @param builds   the builds it holds (allocated or started)
 */
public record Agent(UUID id, String name, String description, Set<String> systems,
        Map<String, String> tags, boolean active, Instant lastSeen, AgentStatus status, double load,
        List<HeldBuild> builds) {

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        description = description == null ? "" : description;
        systems = Collections.unmodifiableSortedSet(new TreeSet<>(systems == null ? Set.of() : systems));
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags == null ? Map.of() : tags));
        builds = List.copyOf(builds == null ? List.of() : builds);
    }

    /** How many builds it holds. */
    public int running() {
        return builds.size();
    }
}
