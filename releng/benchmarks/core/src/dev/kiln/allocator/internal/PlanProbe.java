package dev.kiln.allocator.internal;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import dev.kiln.api.Agent;
import dev.kiln.api.PlanStatistics;
import dev.kiln.api.allocation.AllocationStrategy;
import dev.kiln.api.allocation.PendingBuild;

/** The benchmark's handle on the allocator's package-private plan. */
public final class PlanProbe {

    private final AllocationPlan plan;

    public PlanProbe(AllocationStrategy strategy, int maxAllocatedPerAgent) {
        this.plan = new AllocationPlan(strategy, maxAllocatedPerAgent);
    }

    public void put(PendingBuild build, long now) {
        plan.put(build, now);
    }

    public void putAgent(Agent agent) {
        plan.putAgent(agent);
    }

    public List<UUID> choose(UUID agent, Set<String> systems, int count) {
        return plan.choose(agent, systems, count);
    }

    public void allocated(UUID build, UUID agent) {
        plan.allocated(build, agent);
    }

    public void started(UUID build, long now) {
        plan.started(build, now);
    }

    public void remove(UUID build, long now) {
        plan.remove(build, now);
    }

    public PlanStatistics statistics() {
        return plan.statistics();
    }

    /** Runs {@code question} on a running allocator's thread. */
    public static <T> T onActor(AllocatorActor actor, Function<PlanProbe, T> question) {
        return actor.inspect(plan -> question.apply(new PlanProbe(plan)));
    }

    private PlanProbe(AllocationPlan plan) {
        this.plan = plan;
    }
}
