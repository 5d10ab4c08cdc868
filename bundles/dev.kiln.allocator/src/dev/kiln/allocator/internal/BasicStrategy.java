package dev.kiln.allocator.internal;

import org.osgi.service.component.annotations.Component;

import dev.kiln.api.allocation.AllocationStrategy;

/** Builds go by their own priority, then by age. */
@Component(property = AllocationStrategy.NAME_PROPERTY + "=" + BasicStrategy.NAME)
public final class BasicStrategy implements AllocationStrategy {

    static final String NAME = "basic";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int effectivePriority(int ownPriority, int highestWaiting) {
        return ownPriority;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
