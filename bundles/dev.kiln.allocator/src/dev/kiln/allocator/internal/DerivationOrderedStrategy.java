package dev.kiln.allocator.internal;

import org.osgi.service.component.annotations.Component;

import dev.kiln.api.allocation.AllocationStrategy;

/**
 * A build goes by the highest of its own priority and those of every build waiting on it, directly or through
 * other builds: what unblocks an urgent build is as urgent as it, so the inputs of the most urgent work go first.
 */
@Component(property = AllocationStrategy.NAME_PROPERTY + "=" + DerivationOrderedStrategy.NAME)
public final class DerivationOrderedStrategy implements AllocationStrategy {

    static final String NAME = "derivation-ordered";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int effectivePriority(int ownPriority, int highestWaiting) {
        return Math.max(ownPriority, highestWaiting);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
