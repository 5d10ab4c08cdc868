package dev.kiln.allocator.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Agent;
import dev.kiln.api.AgentPlan;
import dev.kiln.api.AllocationPlanService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.EventType;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.PlanStatistics;
import dev.kiln.api.QueuePosition;
import dev.kiln.api.allocation.AllocationStrategy;
import dev.kiln.api.allocation.Allocator;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreTransaction;
import dev.kiln.retry.Backoff;
import dev.kiln.retry.RetriedFault;

/**
 * The allocator: one thread that owns the {@link AllocationPlan} and applies the messages of its mailbox
 * in order. Notifications are queued and return at once; questions (allocate, read the plan) wait for their answer.
 * The plan is rebuilt from the datastore when the allocator starts, and until that read succeeds it is tried again
 * with a back-off (a database that is still starting).
 */
@Component(service = {Allocator.class, AllocationPlanService.class}, configurationPid = AllocatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class AllocatorActor implements Allocator, AllocationPlanService {

    private static final Logger LOG = LoggerFactory.getLogger(AllocatorActor.class);
    private static final long ANSWER_TIMEOUT_SECONDS = 60;

    private final Datastore datastore;
    private final Clock clock;
    private final AllocationPlan plan;
    private final BlockingQueue<Runnable> mailbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final RetriedFault readFault;
    private final RetriedFault messageFault;
    /** Whether the plan holds what the datastore had when the allocator started; until then, reading is retried. */
    private boolean planRead;
    private volatile boolean running = true;

    @Activate
    public AllocatorActor(AllocatorConfiguration configuration, @Reference(name = "datastore") Datastore datastore,
            @Reference(name = "strategies", cardinality = ReferenceCardinality.AT_LEAST_ONE,
                    policyOption = ReferencePolicyOption.GREEDY) List<AllocationStrategy> strategies) {
        this(datastore, choose(strategies, configuration.allocation_strategy()), configuration.agent_max_allocated(),
                TimeUnit.SECONDS.toMillis(configuration.agent_timeout_seconds()), Clock.tickMillis(ZoneOffset.UTC));
    }

    private AllocatorActor(Datastore datastore, AllocationStrategy strategy, int maxAllocatedPerAgent,
            long agentTimeoutMillis, Clock clock) {
        if (maxAllocatedPerAgent < 1) {
            throw new IllegalArgumentException("agent.max.allocated must be at least 1: " + maxAllocatedPerAgent);
        }
        this.datastore = datastore;
        this.clock = clock;
        this.plan = new AllocationPlan(strategy, maxAllocatedPerAgent, agentTimeoutMillis);
        this.readFault = new RetriedFault(LOG, "The allocator could not read the pending builds and the agents",
                Backoff.FAULT, clock);
        this.messageFault = new RetriedFault(LOG, "The allocator failed to apply a message", Backoff.FAULT, clock);
        // A platform thread: every fetch waits for it, and the scheduler of virtual threads would queue its every
        // wake-up behind the requests being served.
        this.thread = Thread.ofPlatform().daemon().name("kiln-allocator").start(this::run);
    }

    /** Starts an allocator outside OSGi (benchmarks, tools). */
    public static AllocatorActor start(Datastore datastore, AllocationStrategy strategy, int maxAllocatedPerAgent) {
        return new AllocatorActor(datastore, strategy, maxAllocatedPerAgent, Long.MAX_VALUE,
                Clock.tickMillis(ZoneOffset.UTC));
    }

    @Deactivate
    public void stop() {
        running = false;
        mailbox.add(() -> { });
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Notifications

    @Override
    public void scheduled(Collection<PendingBuild> builds) {
        List<PendingBuild> copy = List.copyOf(builds);
        tell(() -> {
            long now = clock.millis();
            copy.forEach(build -> plan.put(build, now));
        });
    }

    @Override
    public void finished(Collection<UUID> buildIds) {
        List<UUID> copy = List.copyOf(buildIds);
        long now = clock.millis();
        tell(() -> copy.forEach(id -> plan.remove(id, now)));
    }

    @Override
    public void started(UUID buildId) {
        long now = clock.millis();
        tell(() -> plan.started(buildId, now));
    }

    @Override
    public void sharesChanged(String jobset, int shares) {
        tell(() -> plan.setShares(jobset, shares));
    }

    @Override
    public void priorityChanged(UUID buildId, int priority) {
        tell(() -> plan.changePriority(buildId, priority));
    }

    @Override
    public void agentChanged(Agent agent) {
        tell(() -> plan.putAgent(agent));
    }

    @Override
    public void agentHeard(UUID agentId) {
        long now = clock.millis();
        tell(() -> plan.heard(agentId, now));
    }

    // Questions

    /**
     * Looks at the agent's plan on the allocator's thread: the builds allocated to it and not started, and new ones
     * for the rest of {@code count}, which it counts as allocated at once. Then, on the caller's thread, reads them,
     * queues the commit of the new allocations (state allocated, {@code build-allocated}) and returns them without
     * waiting for the disk. What the agent reports of them afterwards is queued behind that commit, so it finds them
     * allocated to it; the datastore commits the allocations of agents fetching together in one transaction. If the
     * commit fails, or is lost with the coordinator, the builds are scheduled again, and the agent's report of their
     * start is refused, which makes it drop them.
     */
    @Override
    public List<Build> allocate(UUID agentId, FetchRequest request) {
        int count = request.freeSlots();
        if (count <= 0) {
            return List.of();
        }
        long at = clock.millis();
        Choice choice = ask(plan -> {
            List<UUID> held = plan.allocatedTo(agentId);
            List<UUID> chosen = held.size() >= count ? List.of()
                    : plan.choose(agentId, request, count - held.size(), at);
            chosen.forEach(id -> plan.allocated(id, agentId));
            return new Choice(held, chosen);
        });
        if (choice.held().isEmpty() && choice.chosen().isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<Build> again;
        List<Build> allocated;
        try {
            List<List<Build>> read = datastore.read(reader -> List.of(reader.builds(choice.held()),
                    reader.builds(choice.chosen())));
            again = stillHeld(read.get(0), agentId, count, now);
            allocated = stillScheduled(read.get(1), choice.chosen()).stream()
                    .map(build -> asAllocated(build, agentId, now))
                    .toList();
        } catch (RuntimeException e) {
            tell(() -> choice.chosen().forEach(id -> plan.unallocate(id, agentId)));
            throw e;
        }
        if (allocated.size() < choice.chosen().size()) {
            Set<UUID> taken = new HashSet<>();
            allocated.forEach(build -> taken.add(build.id()));
            // The datastore says they are no longer scheduled; the message saying so is on its way. The plan learns
            // it before the agent's next request, which comes after this in the mailbox.
            tell(() -> choice.chosen().stream().filter(id -> !taken.contains(id))
                    .forEach(id -> plan.remove(id, clock.millis())));
        }
        if (!allocated.isEmpty()) {
            commitLater(agentId, allocated, now);
        }
        List<Build> answer = new ArrayList<>(again);
        answer.addAll(allocated);
        return answer;
    }

    /** Queues the commit of an allocation; if it fails, the plan gets the builds back. */
    private void commitLater(UUID agentId, List<Build> allocated, Instant now) {
        datastore.writeLater(tx -> commitAllocation(tx, agentId, allocated, now)).whenComplete((committed, failure) -> {
            if (failure != null) {
                LOG.warn("An allocation to agent {} could not be committed; its builds are scheduled again", agentId,
                        failure);
            }
            if (failure != null || !committed) {
                tell(() -> allocated.forEach(build -> plan.unallocate(build.id(), agentId)));
            }
        });
    }

    /**
     * The builds the plan says the agent holds, as the datastore has them, oldest first, at most {@code count}: those
     * still scheduled there are those whose allocation is being committed.
     */
    private static List<Build> stillHeld(List<Build> read, UUID agentId, int count, Instant now) {
        return read.stream()
                .filter(build -> build.state() == BuildState.SCHEDULED
                        || (build.state() == BuildState.ALLOCATED && agentId.equals(build.agentId())))
                .sorted(Comparator.comparingLong(Build::sequence))
                .limit(count)
                .map(build -> asAllocated(build, agentId, now))
                .toList();
    }

    private static Build asAllocated(Build build, UUID agentId, Instant now) {
        return build.state() == BuildState.ALLOCATED ? build
                : build.withState(BuildState.ALLOCATED, now).withAgent(agentId);
    }

    @Override
    public AgentPlan plan(UUID agentId, int limit) {
        long now = clock.millis();
        return ask(plan -> {
            if (plan.agent(agentId) == null) {
                throw new NotFoundException("agent", agentId);
            }
            return plan.plan(agentId, limit, now);
        });
    }

    @Override
    public List<AgentPlan> plans(int limitPerAgent) {
        long now = clock.millis();
        return ask(plan -> plan.agents().stream()
                .filter(Agent::active)
                .sorted(Comparator.comparing(Agent::name).thenComparing(Agent::id))
                .map(agent -> plan.plan(agent.id(), limitPerAgent, now))
                .toList());
    }

    @Override
    public Optional<QueuePosition> position(UUID buildId, int limit) {
        long now = clock.millis();
        return ask(plan -> plan.position(buildId, limit, now));
    }

    @Override
    public Map<UUID, String> unallocatable(Collection<UUID> buildIds) {
        if (buildIds.isEmpty()) {
            return Map.of();
        }
        List<UUID> ids = List.copyOf(buildIds);
        long now = clock.millis();
        return ask(plan -> plan.unallocatable(ids, now));
    }

    @Override
    public PlanStatistics statistics() {
        return ask(AllocationPlan::statistics);
    }

    /** Runs {@code question} on the allocator's thread; for tests and the benchmark. */
    <T> T inspect(Function<AllocationPlan, T> question) {
        return ask(question);
    }

    /** The builds read that are still scheduled, in the order they were chosen. */
    private static List<Build> stillScheduled(List<Build> read, List<UUID> chosen) {
        Map<UUID, Integer> order = new HashMap<>();
        for (int i = 0; i < chosen.size(); i++) {
            order.put(chosen.get(i), i);
        }
        return read.stream()
                .filter(build -> build.state() == BuildState.SCHEDULED)
                .sorted(Comparator.comparing(build -> order.get(build.id())))
                .toList();
    }

    /**
     * Commits an allocation made by {@link #allocate}, of the builds that are still scheduled, unless the agent was
     * deactivated or removed meanwhile: then nothing is allocated, and the agent's report of their start is refused.
     *
     * @return whether the agent was still active
     */
    private static boolean commitAllocation(DatastoreTransaction tx, UUID agentId, List<Build> allocated,
            Instant now) {
        if (tx.agent(agentId).filter(Agent::active).isEmpty()) {
            return false;
        }
        Map<UUID, Build> byId = new HashMap<>();
        allocated.forEach(build -> byId.put(build.id(), build));
        for (Build build : tx.builds(List.copyOf(byId.keySet()))) {
            if (build.state() != BuildState.SCHEDULED) {
                continue;
            }
            tx.updateBuild(build.withState(BuildState.ALLOCATED, now).withAgent(agentId));
            tx.appendEvent(EventType.BUILD_ALLOCATED, now, build.id(), agentId,
                    Map.of("derivation", build.derivationPath(), "system", build.system()));
        }
        return true;
    }

    private void rebuild() {
        long started = System.nanoTime();
        try {
            List<Agent> agents = datastore.read(reader -> reader.agents());
            List<PendingBuild> pending = datastore.read(reader -> reader.pendingBuilds());
            agents.forEach(plan::putAgent);
            long now = clock.millis();
            pending.forEach(build -> plan.put(build, now));
            planRead = true;
            readFault.succeeded();
            LOG.info("Allocation plan rebuilt with the {} strategy: {} pending builds, {} agents, in {} ms",
                    plan.strategyName(), pending.size(), agents.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (RuntimeException e) {
            readFault.failed(e);
        }
    }

    private void run() {
        while (running) {
            try {
                if (!planRead && readFault.due()) {
                    rebuild();
                }
                long next = plan.promoteDeferred(clock.millis());
                if (!planRead) {
                    next = Math.min(next, readFault.nextTry().toEpochMilli());
                }
                Runnable message = next == Long.MAX_VALUE ? mailbox.take()
                        : mailbox.poll(Math.max(1, next - clock.millis()), TimeUnit.MILLISECONDS);
                if (message != null) {
                    message.run();
                    messageFault.succeeded();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                messageFault.failed(e);
            }
        }
    }

    private void tell(Runnable message) {
        mailbox.add(message);
    }

    private <T> T ask(Function<AllocationPlan, T> question) {
        if (Thread.currentThread() == thread) {
            return question.apply(plan);
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        mailbox.add(() -> {
            try {
                answer.complete(question.apply(plan));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return await(answer);
    }

    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the allocator", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the allocator did not answer within " + ANSWER_TIMEOUT_SECONDS + " s", e);
        }
    }

    private static AllocationStrategy choose(List<AllocationStrategy> strategies, String name) {
        return strategies.stream().filter(strategy -> strategy.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no allocation strategy named '" + name
                        + "'; available: " + strategies.stream().map(AllocationStrategy::name).sorted().toList()));
    }

    /** What the plan holds for an agent that fetches: allocated and not started, and newly chosen. */
    private record Choice(List<UUID> held, List<UUID> chosen) {
    }
}
