package dev.kiln.api;

import java.util.Set;
import java.util.UUID;

/**
 * Which builds to list, newest first.
 *
 * @param states         only builds in one of these states; empty for any
 * @param system         only builds for this system, or {@code null}
 * @param tag            only builds carrying this tag, or {@code null}
 * @param derivationPath only builds of this derivation, or {@code null}
 * @param agentId        only builds allocated to or built by this agent, or {@code null}
 * @param cursor         {@link BuildPage#nextCursor()} of the previous page, or {@code null} for the first page
 * @param limit          at most this many builds, 1 to 1000
 */
public record BuildQuery(Set<BuildState> states, String system, Tag tag, String derivationPath, UUID agentId,
        String cursor, int limit) {

    public static final int MAX_LIMIT = 1000;

    public BuildQuery {
        states = Set.copyOf(states == null ? Set.of() : states);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
    }

    /** The first page of every build, {@code limit} at a time. */
    public static BuildQuery all(int limit) {
        return new BuildQuery(Set.of(), null, null, null, null, null, limit);
    }

    public BuildQuery withStates(Set<BuildState> newStates) {
        return new BuildQuery(newStates, system, tag, derivationPath, agentId, cursor, limit);
    }

    public BuildQuery withSystem(String newSystem) {
        return new BuildQuery(states, newSystem, tag, derivationPath, agentId, cursor, limit);
    }

    public BuildQuery withTag(Tag newTag) {
        return new BuildQuery(states, system, newTag, derivationPath, agentId, cursor, limit);
    }

    public BuildQuery withDerivationPath(String path) {
        return new BuildQuery(states, system, tag, path, agentId, cursor, limit);
    }

    public BuildQuery withAgentId(UUID agent) {
        return new BuildQuery(states, system, tag, derivationPath, agent, cursor, limit);
    }

    public BuildQuery withCursor(String newCursor) {
        return new BuildQuery(states, system, tag, derivationPath, agentId, newCursor, limit);
    }
}
