package dev.kiln.api;

import java.util.Set;
import java.util.TreeSet;

/**
 * An agent to create.
 *
 * @param name        a short name for people, not blank
 * @param description free text
 * @param systems     the systems it builds for, at least one
 * @param tags        its tags
 */
public record NewAgent(String name, String description, Set<String> systems, Set<Tag> tags) {

    public NewAgent {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new InvalidRequestException("an agent needs a name of 1 to 200 characters");
        }
        description = description == null ? "" : description;
        systems = Set.copyOf(new TreeSet<>(systems == null ? Set.of() : systems));
        if (systems.isEmpty() || systems.stream().anyMatch(String::isBlank)) {
            throw new InvalidRequestException("an agent builds for at least one system");
        }
        tags = Set.copyOf(new TreeSet<>(tags == null ? Set.of() : tags));
    }
}
