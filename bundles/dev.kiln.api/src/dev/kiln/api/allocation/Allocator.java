package dev.kiln.api.allocation;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.FetchRequest;

/**
 * The allocator: an actor that owns the allocation plan. The coordinator tells it of every committed change that
 * matters to the plan; the messages are applied in order, after the ones sent before. Its state is rebuilt from
 * the datastore when it starts, and the datastore stays the authority: an allocation is committed only for builds
 * that are still scheduled there.
 */
@ProviderType
public interface Allocator {

    /** Builds that became scheduled (submitted, retried, rescheduled, set up again, or back from a lost agent). */
    void scheduled(Collection<PendingBuild> builds);

    /** Builds that left the pending states: succeeded, failed, canceled or dependency-failed. */
    void finished(Collection<UUID> buildIds);

    /** A build allocated to an agent was started by it. */
    void started(UUID buildId);

    /** A pending build's own priority changed. */
    void priorityChanged(UUID buildId, int priority);

    /** An agent was created or changed (activated, deactivated, new systems or tags). */
    void agentChanged(Agent agent);

    /**
     * The shares of a jobset were set (added or changed): among ready builds of equal priority, the share group
     * {@code jobset=<name>} goes first while it used less build time over the last 24 hours relative to its shares
     * than the others. A group without shares set has 1.
     */
    void sharesChanged(String jobset, int shares);

    /**
     * An agent sent a heartbeat: it still counts among the agents that can take builds (see
     * {@link dev.kiln.api.AllocationPlanService#unallocatable}), as it does after each fetch.
     */
    void agentHeard(UUID agentId);

    /**
     * The builds allocated to the agent and not started, again (an answer may have been lost), then as many more as
     * {@code count} leaves room for, chosen from its plan, best first, without exceeding the per-agent cap of
     * allocated builds. Queues the commit of the new ones' allocation (state allocated, {@code build-allocated})
     * before returning them all, without waiting for it (see {@link dev.kiln.api.datastore.Datastore#writeLater}): the
     * agent's reports on them are committed after it. An allocation whose commit fails or is lost in a crash puts the
     * builds back in the plan, and the agent's report of their start is refused.
     *
     * <p>A build goes only to an agent of its system with every feature it requires, and to an agent with mandatory
     * features only if it requires one of them. Among the able agents that fetched lately and have room, a faster
     * one (by speed factor) is given a build first: a slower agent is not given builds that such an agent can take.
     *
     * @param request what the agent builds for now: systems, features, speed factor, and {@code freeSlots} as the
     *                count
     */
    List<Build> allocate(UUID agentId, FetchRequest request);

    /** {@link #allocate(UUID, FetchRequest)} for an agent without features. */
    default List<Build> allocate(UUID agentId, Set<String> systems, int count) {
        return allocate(agentId, new FetchRequest(systems, count));
    }
}
