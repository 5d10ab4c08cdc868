package dev.kiln.api;

import java.util.List;

/**
 * Counts over the allocator's state.
 *
 * @param strategy  the name of the allocation strategy in use
 * @param ready     scheduled builds that may be allocated now
 * @param blocked   scheduled builds waiting for an input being built
 * @param deferred  scheduled builds deferred to a later time
 * @param allocated builds allocated and not started
 * @param started   builds running
 * @param classes   the same per system and set of required features
 */
public record PlanStatistics(String strategy, int ready, int blocked, int deferred, int allocated, int started,
        List<ClassStatistics> classes) {

    public PlanStatistics {
        classes = List.copyOf(classes == null ? List.of() : classes);
    }

    /** Counts without the split by system and features. */
    public PlanStatistics(String strategy, int ready, int blocked, int deferred, int allocated, int started) {
        this(strategy, ready, blocked, deferred, allocated, started, List.of());
    }

    /**
     * The pending builds of one system that require one set of features.
     *
     * @param system               their system
     * @param features             the system features they require, sorted (empty for none)
     * @param runnable             how many are ready to be fetched
     * @param running              how many are started
     * @param oldestWaitingSeconds how long the scheduled one that waits longest has been waiting, 0 if none waits
     * @param unallocatable        how many scheduled ones no active agent heard of lately can take
     */
    public record ClassStatistics(String system, List<String> features, int runnable, int running,
            long oldestWaitingSeconds, int unallocatable) {

        public ClassStatistics {
            features = List.copyOf(features);
        }
    }
}
