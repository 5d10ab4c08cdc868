package dev.kiln.api;

/**
 * Counts over the allocator's state.
 *
 * @param strategy  the name of the allocation strategy in use
 * @param ready     scheduled builds that may be allocated now
 * @param blocked   scheduled builds waiting for an input being built
 * @param deferred  scheduled builds deferred to a later time
 * @param allocated builds allocated and not started
 * @param started   builds running
 */
public record PlanStatistics(String strategy, int ready, int blocked, int deferred, int allocated, int started) {
}
