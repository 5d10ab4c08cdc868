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
import dev.kiln.api.NotFoundException;
import dev.kiln.api.PlanStatistics;
import dev.kiln.api.allocation.AllocationStrategy;
import dev.kiln.api.allocation.Allocator;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreTransaction;

/**
 * The allocator: one virtual thread that owns the {@link AllocationPlan} and applies the messages of its mailbox
 * in order. Notifications are queued and return at once; questions (allocate, read the plan) wait for their answer.
 * The plan is rebuilt from the datastore when the allocator starts.
 */
@Component(service = {Allocator.class, AllocationPlanService.class}, configurationPid = AllocatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class AllocatorActor implements Allocator, AllocationPlanService {

    private static final Logger LOG = LoggerFactory.getLogger(AllocatorActor.class);
    private static final long ANSWER_TIMEOUT_SECONDS = 60;
    /** The most allocation requests committed in one write. */
    private static final int ALLOCATION_GROUP = 64;

    private final Datastore datastore;
    private final Clock clock;
    private final AllocationPlan plan;
    private final BlockingQueue<Runnable> mailbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    @Activate
    public AllocatorActor(AllocatorConfiguration configuration, @Reference(name = "datastore") Datastore datastore,
            @Reference(name = "strategies", cardinality = ReferenceCardinality.AT_LEAST_ONE,
                    policyOption = ReferencePolicyOption.GREEDY) List<AllocationStrategy> strategies) {
        this(datastore, choose(strategies, configuration.allocation_strategy()), configuration.agent_max_allocated(),
                Clock.tickMillis(ZoneOffset.UTC));
    }

    private AllocatorActor(Datastore datastore, AllocationStrategy strategy, int maxAllocatedPerAgent, Clock clock) {
        if (maxAllocatedPerAgent < 1) {
            throw new IllegalArgumentException("agent.max.allocated must be at least 1: " + maxAllocatedPerAgent);
        }
        this.datastore = datastore;
        this.clock = clock;
        this.plan = new AllocationPlan(strategy, maxAllocatedPerAgent);
        mailbox.add(this::rebuild);
        this.thread = Thread.ofVirtual().name("kiln-allocator").start(this::run);
    }

    /** Starts an allocator outside OSGi (benchmarks, tools). */
    public static AllocatorActor start(Datastore datastore, AllocationStrategy strategy, int maxAllocatedPerAgent) {
        return new AllocatorActor(datastore, strategy, maxAllocatedPerAgent, Clock.tickMillis(ZoneOffset.UTC));
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
        tell(() -> copy.forEach(plan::remove));
    }

    @Override
    public void started(UUID buildId) {
        tell(() -> plan.started(buildId));
    }

    @Override
    public void priorityChanged(UUID buildId, int priority) {
        tell(() -> plan.changePriority(buildId, priority));
    }

    @Override
    public void agentChanged(Agent agent) {
        tell(() -> plan.putAgent(agent));
    }

    // Questions

    @Override
    public List<Build> allocate(UUID agentId, Set<String> systems, int count) {
        if (count <= 0) {
            return List.of();
        }
        AllocationRequest request = new AllocationRequest(agentId, systems, count);
        if (Thread.currentThread() == thread) {
            request.run();
        } else {
            mailbox.add(request);
        }
        return await(request.answer());
    }

    @Override
    public List<UUID> allocatedTo(UUID agentId) {
        return ask(plan -> plan.allocatedTo(agentId));
    }

    @Override
    public AgentPlan plan(UUID agentId, int limit) {
        return ask(plan -> {
            if (plan.agent(agentId) == null) {
                throw new NotFoundException("agent", agentId);
            }
            return plan.plan(agentId, limit);
        });
    }

    @Override
    public List<AgentPlan> plans(int limitPerAgent) {
        return ask(plan -> plan.agents().stream()
                .filter(Agent::active)
                .sorted(Comparator.comparing(Agent::name).thenComparing(Agent::id))
                .map(agent -> plan.plan(agent.id(), limitPerAgent))
                .toList());
    }

    @Override
    public PlanStatistics statistics() {
        return ask(AllocationPlan::statistics);
    }

    /** Runs {@code question} on the allocator's thread; for tests and the benchmark. */
    <T> T inspect(Function<AllocationPlan, T> question) {
        return ask(question);
    }

    /**
     * Chooses builds for each request and counts them as allocated in the plan at once, then commits the allocations
     * of all of them in one write, on a thread of its own: the allocator goes on serving the requests that came
     * meanwhile, whose commits the datastore groups with this one. Agents fetch together, and one commit for all is
     * much cheaper than one for each. If that write fails, the builds are scheduled again and each request is served
     * alone, so that only the request that fails sees the failure.
     */
    private void allocateTogether(List<AllocationRequest> requests) {
        List<List<UUID>> chosen = new ArrayList<>(requests.size());
        for (AllocationRequest request : requests) {
            List<UUID> ids = plan.choose(request.agentId, request.systems, request.count);
            ids.forEach(id -> plan.allocated(id, request.agentId));
            chosen.add(ids);
        }
        if (chosen.stream().allMatch(List::isEmpty)) {
            requests.forEach(request -> request.answer().complete(List.of()));
            return;
        }
        Instant now = clock.instant();
        Thread.ofVirtual().name("kiln-allocation-commit").start(() -> commit(requests, chosen, now));
    }

    /** Commits allocations chosen by {@link #allocateTogether}, then answers the requests. */
    private void commit(List<AllocationRequest> requests, List<List<UUID>> chosen, Instant now) {
        List<List<Build>> allocated;
        try {
            allocated = datastore.write(tx -> {
                List<List<Build>> all = new ArrayList<>(requests.size());
                for (int i = 0; i < requests.size(); i++) {
                    all.add(commitAllocation(tx, requests.get(i).agentId(), chosen.get(i), now));
                }
                return all;
            });
        } catch (RuntimeException e) {
            tell(() -> {
                for (int i = 0; i < requests.size(); i++) {
                    UUID agent = requests.get(i).agentId();
                    chosen.get(i).forEach(id -> plan.unallocate(id, agent));
                }
            });
            if (requests.size() == 1) {
                requests.get(0).answer().completeExceptionally(e);
            } else {
                requests.forEach(request -> tell(request.alone()));
            }
            return;
        }
        // The plan learns of builds that were not allocated before any answer goes out: an agent's next request
        // comes after it in the mailbox.
        tell(() -> {
            for (int i = 0; i < requests.size(); i++) {
                Set<UUID> done = new HashSet<>();
                allocated.get(i).forEach(build -> done.add(build.id()));
                for (UUID id : chosen.get(i)) {
                    if (!done.contains(id)) {
                        // The datastore says it is no longer scheduled; the message saying so is on its way.
                        plan.remove(id);
                    }
                }
            }
        });
        for (int i = 0; i < requests.size(); i++) {
            requests.get(i).answer().complete(allocated.get(i));
        }
    }

    private static List<Build> commitAllocation(DatastoreTransaction tx, UUID agentId, List<UUID> chosen,
            Instant now) {
        if (chosen.isEmpty()) {
            return List.of();
        }
        List<Build> allocated = new ArrayList<>();
        for (Build build : tx.builds(chosen)) {
            if (build.state() != BuildState.SCHEDULED) {
                continue;
            }
            Build updated = build.withState(BuildState.ALLOCATED, now).withAgent(agentId);
            tx.updateBuild(updated);
            tx.appendEvent(EventType.BUILD_ALLOCATED, now, build.id(), agentId,
                    Map.of("derivation", build.derivationPath(), "system", build.system()));
            allocated.add(updated);
        }
        Map<UUID, Integer> order = new HashMap<>();
        for (int i = 0; i < chosen.size(); i++) {
            order.put(chosen.get(i), i);
        }
        allocated.sort(Comparator.comparing(build -> order.get(build.id())));
        return allocated;
    }

    private void rebuild() {
        long started = System.nanoTime();
        List<Agent> agents = datastore.read(reader -> reader.agents());
        List<PendingBuild> pending = datastore.read(reader -> reader.pendingBuilds());
        agents.forEach(plan::putAgent);
        long now = clock.millis();
        pending.forEach(build -> plan.put(build, now));
        LOG.info("Allocation plan rebuilt with the {} strategy: {} pending builds, {} agents, in {} ms",
                plan.strategyName(), pending.size(), agents.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void run() {
        while (running) {
            try {
                long next = plan.promoteDeferred(clock.millis());
                Runnable message = next == Long.MAX_VALUE ? mailbox.take()
                        : mailbox.poll(Math.max(1, next - clock.millis()), TimeUnit.MILLISECONDS);
                if (message != null) {
                    message.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("The allocator failed to apply a message", e);
            }
        }
    }

    private void tell(Runnable message) {
        mailbox.add(message);
    }

    /**
     * The request and the allocation requests right behind it in the mailbox, at most {@link #ALLOCATION_GROUP}
     * (an agent's builds count against its cap as soon as they are chosen, so an agent may ask twice in a group).
     */
    private List<AllocationRequest> consecutiveRequests(AllocationRequest first) {
        List<AllocationRequest> requests = new ArrayList<>();
        requests.add(first);
        while (requests.size() < ALLOCATION_GROUP && mailbox.peek() instanceof AllocationRequest next) {
            requests.add(next);
            mailbox.remove();
        }
        return requests;
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

    /** An agent's request for builds; served on the allocator's thread with the requests queued behind it. */
    private final class AllocationRequest implements Runnable {
        private final UUID agentId;
        private final Set<String> systems;
        private final int count;
        private final CompletableFuture<List<Build>> answer = new CompletableFuture<>();

        AllocationRequest(UUID agentId, Set<String> systems, int count) {
            this.agentId = agentId;
            this.systems = Set.copyOf(systems);
            this.count = count;
        }

        UUID agentId() {
            return agentId;
        }

        CompletableFuture<List<Build>> answer() {
            return answer;
        }

        @Override
        public void run() {
            allocateTogether(consecutiveRequests(this));
        }

        /** This request, to be served in a group of its own: its group failed. */
        Runnable alone() {
            return () -> allocateTogether(List.of(this));
        }
    }
}
