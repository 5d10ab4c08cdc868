package dev.kiln.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A machine that builds.
 *
 * @param id          its identifier, also its user name on the agent API
 * @param name        a short name for people
 * @param description free text
 * @param systems     the systems it builds for
 * @param tags        its tags; builds that require tags go only to agents carrying them all
 * @param active      an inactive agent is refused and given no builds
 * @param createdAt   when it was created
 * @param lastSeen    when it last fetched builds or sent a heartbeat, or {@code null} if never
 */
public record Agent(UUID id, String name, String description, Set<String> systems, Set<Tag> tags, boolean active,
        Instant createdAt, Instant lastSeen) {

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        systems = Set.copyOf(new TreeSet<>(systems == null ? Set.of() : systems));
        tags = Set.copyOf(new TreeSet<>(tags == null ? Set.of() : tags));
    }

    public Agent withActive(boolean newActive) {
        return new Agent(id, name, description, systems, tags, newActive, createdAt, lastSeen);
    }

    public Agent withLastSeen(Instant at) {
        return new Agent(id, name, description, systems, tags, active, createdAt, at);
    }
}
