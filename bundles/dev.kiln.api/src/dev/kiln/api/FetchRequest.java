package dev.kiln.api;

import java.util.Set;

/**
 * An agent's request for builds.
 *
 * @param systems   the systems it builds for now; empty for those it was created with
 * @param freeSlots how many builds it can take now, 0 to 1000
 */
public record FetchRequest(Set<String> systems, int freeSlots) {

    /** The most free slots an agent may ask for at once. */
    public static final int MAX_FREE_SLOTS = 1000;

    public FetchRequest {
        systems = Set.copyOf(systems == null ? Set.of() : systems);
        if (freeSlots < 0 || freeSlots > MAX_FREE_SLOTS) {
            throw new InvalidRequestException("free slots must be between 0 and " + MAX_FREE_SLOTS + ": "
                    + freeSlots);
        }
    }
}
