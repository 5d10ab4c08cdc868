package dev.kiln.api;

import java.util.Set;
import java.util.UUID;

/**
 * Which builds to list, and in which order (newest first unless told otherwise).
 *
 * @param states         only builds in one of these states; empty for any
 * @param system         only builds for this system, or {@code null}
 * @param tag            only builds carrying this tag, or {@code null}
 * @param derivationPath only builds of this derivation, or {@code null}
 * @param agentId        only builds allocated to or built by this agent, or {@code null}
 * @param cursor         {@link BuildPage#nextCursor()} of the previous page (of the same sort), or {@code null} for
 *                       the first page
 * @param limit          at most this many builds, 1 to 1000
 * @param sort           what the builds are sorted by; {@code null} for {@link BuildSort#SUBMITTED}
 * @param ascending      smallest first; {@code false} (the default) for greatest, or newest, first
 */
public record BuildQuery(Set<BuildState> states, String system, Tag tag, String derivationPath, UUID agentId,
        String cursor, int limit, BuildSort sort, boolean ascending) {

    public static final int MAX_LIMIT = 1000;

    public BuildQuery {
        states = Set.copyOf(states == null ? Set.of() : states);
        sort = sort == null ? BuildSort.SUBMITTED : sort;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
    }

    /** A query in submission order, newest first. */
    public BuildQuery(Set<BuildState> states, String system, Tag tag, String derivationPath, UUID agentId,
            String cursor, int limit) {
        this(states, system, tag, derivationPath, agentId, cursor, limit, BuildSort.SUBMITTED, false);
    }

    /** The first page of every build, {@code limit} at a time. */
    public static BuildQuery all(int limit) {
        return new BuildQuery(Set.of(), null, null, null, null, null, limit);
    }

    public BuildQuery withStates(Set<BuildState> newStates) {
        return new BuildQuery(newStates, system, tag, derivationPath, agentId, cursor, limit, sort, ascending);
    }

    public BuildQuery withSystem(String newSystem) {
        return new BuildQuery(states, newSystem, tag, derivationPath, agentId, cursor, limit, sort, ascending);
    }

    public BuildQuery withTag(Tag newTag) {
        return new BuildQuery(states, system, newTag, derivationPath, agentId, cursor, limit, sort, ascending);
    }

    public BuildQuery withDerivationPath(String path) {
        return new BuildQuery(states, system, tag, path, agentId, cursor, limit, sort, ascending);
    }

    public BuildQuery withAgentId(UUID agent) {
        return new BuildQuery(states, system, tag, derivationPath, agent, cursor, limit, sort, ascending);
    }

    public BuildQuery withCursor(String newCursor) {
        return new BuildQuery(states, system, tag, derivationPath, agentId, newCursor, limit, sort, ascending);
    }

    public BuildQuery withLimit(int newLimit) {
        return new BuildQuery(states, system, tag, derivationPath, agentId, cursor, newLimit, sort, ascending);
    }

    /** This query sorted by {@code newSort}, smallest first when {@code newAscending}; from the first page. */
    public BuildQuery sortedBy(BuildSort newSort, boolean newAscending) {
        return new BuildQuery(states, system, tag, derivationPath, agentId, null, limit, newSort, newAscending);
    }
}
