package dev.kiln.api.allocation;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How the allocator orders ready builds. Builds are given to agents by decreasing effective priority, then by age;
 * the strategy computes the effective priority of a build from its own priority and the highest effective priority
 * among the scheduled builds waiting on it (the builds that need one of its outputs).
 *
 * <p>Registered as a service with the property {@value #NAME_PROPERTY}; the coordinator configuration's
 * {@code allocation.strategy} chooses one by that name. Called only from the allocator's thread; must be a pure
 * function, cheap, and monotonic in {@code highestWaiting} (the allocator propagates changes through the graph and
 * stops where the result does not change).
 */
@ConsumerType
public interface AllocationStrategy {

    /** The service property that names a strategy. */
    String NAME_PROPERTY = "kiln.allocation.strategy";

    /** The strategy's name, equal to its {@value #NAME_PROPERTY} property. */
    String name();

    /**
     * The effective priority of a build.
     *
     * @param ownPriority    the build's own priority
     * @param highestWaiting the highest effective priority of the builds waiting on it, or
     *                       {@link Integer#MIN_VALUE} when none is
     */
    int effectivePriority(int ownPriority, int highestWaiting);
}
