package dev.kiln.desktop.model;

import java.time.Instant;
import java.util.Collections;
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
 */
public record Agent(UUID id, String name, String description, Set<String> systems,
        Map<String, String> tags, boolean active, Instant lastSeen, AgentStatus status, double load) {

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        description = description == null ? "" : description;
        systems = Collections.unmodifiableSortedSet(new TreeSet<>(systems == null ? Set.of() : systems));
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags == null ? Map.of() : tags));
    }
}
