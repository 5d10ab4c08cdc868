package dev.kiln.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads the allocation plan: for each agent, the builds it would be given next, best first. The plan is a
 * snapshot taken by the allocator between two of its updates.
 */
@ProviderType
public interface AllocationPlanService {

    /**
     * The plan of one agent, at most {@code limit} builds.
     *
     * @throws NotFoundException when there is no such agent
     */
    AgentPlan plan(UUID agentId, int limit);

    /** The plans of every active agent, at most {@code limitPerAgent} builds each. */
    List<AgentPlan> plans(int limitPerAgent);

    /**
     * Why no agent can take these builds, for those among them that are scheduled and that no active agent that
     * fetched lately can take, in one line for an operator: for example {@code no agent has kvm}. The builds that
     * some agent can take, and the others, are absent.
     */
    Map<UUID, String> unallocatable(Collection<UUID> buildIds);

    /**
     * Where a ready build stands in the queue of its system: its position, the builds that go before it and why
     * (higher priority, fair share, earlier submission). The queue of a system holds its ready builds, whatever
     * features or agent tags they require; the order is the one in which agents are given them.
     *
     * @param limit the most builds listed in {@link QueuePosition#ahead()}
     * @return empty when the build is not ready: not pending, blocked by an input, deferred, allocated or started
     */
    Optional<QueuePosition> position(UUID buildId, int limit);

    /** Counts of ready, blocked, deferred, allocated and started builds. */
    PlanStatistics statistics();
}
