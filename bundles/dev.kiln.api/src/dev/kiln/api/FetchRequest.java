package dev.kiln.api;

import java.util.Set;

/**
 * An agent's request for builds.
 *
 * @param systems   the systems it builds for now; empty for those it was created with
 * @param freeSlots how many builds it can take now, 0 to 1000
 */
public record FetchRequest(Set<String> systems, int freeSlots) {

    public FetchRequest {
        systems = Set.copyOf(systems == null ? Set.of() : systems);
        if (freeSlots < 0 || freeSlots > 1000) {
            throw new InvalidRequestException("free slots must be between 0 and 1000: " + freeSlots);
        }
    }
}
