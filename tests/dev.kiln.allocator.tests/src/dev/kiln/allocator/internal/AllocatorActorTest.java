package dev.kiln.allocator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.Event;
import dev.kiln.api.EventListener;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.EventType;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreReader;
import dev.kiln.api.datastore.DatastoreTransaction;

/** The allocator's thread against a datastore of builds in memory that can be made to fail its writes. */
class AllocatorActorTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final String SYSTEM = "x86_64-linux";

    private final BuildsInMemory datastore = new BuildsInMemory();
    private AllocatorActor allocator;

    @AfterEach
    void stop() {
        if (allocator != null) {
            allocator.stop();
        }
    }

    @Test
    void agentsFetchingAtOnceGetEachBuildOnceWithinTheirCaps() throws Exception {
        int cap = 3;
        List<UUID> agents = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            agents.add(datastore.agent("agent-" + i));
        }
        for (int i = 0; i < 400; i++) {
            datastore.schedule(i);
        }
        allocator = AllocatorActor.start(datastore, new BasicStrategy(), cap);
        Map<UUID, UUID> allocatedTo = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (UUID agent : agents) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 400; round++) {
                    List<Build> builds = allocator.allocate(agent, Set.of(SYSTEM), cap);
                    if (builds.isEmpty()) {
                        return;
                    }
                    if (builds.size() > cap) {
                        problems.add(agent + " got " + builds.size() + " builds at once");
                    }
                    for (Build build : builds) {
                        if (allocatedTo.putIfAbsent(build.id(), agent) != null) {
                            problems.add(build.id() + " was allocated twice");
                        }
                        // The agent builds it: it leaves the plan, which frees the agent's slot.
                        allocator.finished(List.of(build.id()));
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive());
        }

        assertEquals(List.of(), problems);
        assertEquals(400, allocatedTo.size());
        assertEquals(400, datastore.builds.values().stream().filter(b -> b.state() == BuildState.ALLOCATED).count());
    }

    @Test
    void aFailedCommitGivesTheBuildsBackAndLeavesTheAgentsCapFree() {
        UUID agent = datastore.agent("agent");
        Build only = datastore.schedule(1);
        allocator = AllocatorActor.start(datastore, new BasicStrategy(), 1);
        datastore.failWrites.set(true);

        List<Build> lost = allocator.allocate(agent, Set.of(SYSTEM), 1);
        assertEquals(List.of(only.id()), lost.stream().map(Build::id).toList(), "answered before the commit");
        assertEquals(BuildState.ALLOCATED, lost.get(0).state());
        assertEquals(BuildState.SCHEDULED, datastore.builds.get(only.id()).state(), "the commit failed");

        datastore.failWrites.set(false);
        List<Build> again = allocator.allocate(agent, Set.of(SYSTEM), 1);
        assertEquals(List.of(only.id()), again.stream().map(Build::id).toList(), "scheduled again, the cap free");
        assertEquals(agent, datastore.builds.get(only.id()).agentId());
        assertEquals(BuildState.ALLOCATED, datastore.builds.get(only.id()).state());
        assertEquals(List.of(only.id()), allocator.allocate(agent, Set.of(SYSTEM), 1).stream().map(Build::id).toList(),
                "held and not started: sent again");
        allocator.started(only.id());
        assertTrue(allocator.allocate(agent, Set.of(SYSTEM), 1).isEmpty(), "nothing left to allocate");
    }

    @Test
    void anAgentGetsTheBuildsItHoldsAgainFirstAndNewOnesForTheRestOfItsSlots() {
        UUID agent = datastore.agent("agent");
        List<Build> scheduled = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            scheduled.add(datastore.schedule(i));
        }
        allocator = AllocatorActor.start(datastore, new BasicStrategy(), 3);

        List<Build> first = allocator.allocate(agent, Set.of(SYSTEM), 2);
        allocator.started(first.get(0).id());
        List<Build> second = allocator.allocate(agent, Set.of(SYSTEM), 3);

        assertEquals(List.of(scheduled.get(0).id(), scheduled.get(1).id()), first.stream().map(Build::id).toList());
        assertEquals(List.of(scheduled.get(1).id(), scheduled.get(2).id(), scheduled.get(3).id()),
                second.stream().map(Build::id).toList(), "the one not started again, then two new ones");
        assertTrue(second.stream().allMatch(build -> build.state() == BuildState.ALLOCATED
                && agent.equals(build.agentId())));
        assertEquals(List.of(scheduled.get(1).id()), allocator.allocate(agent, Set.of(SYSTEM), 1).stream()
                .map(Build::id).toList(), "within the slots asked for");
    }

    @Test
    void aBuildCanceledWhileChosenIsNotHandedOut() {
        UUID agent = datastore.agent("agent");
        Build canceled = datastore.schedule(1);
        Build other = datastore.schedule(2);
        allocator = AllocatorActor.start(datastore, new BasicStrategy(), 2);
        // Canceled in the datastore; the message telling the allocator has not come yet.
        datastore.builds.put(canceled.id(), canceled.withState(BuildState.CANCELED, T0));

        List<Build> builds = allocator.allocate(agent, Set.of(SYSTEM), 2);

        assertEquals(List.of(other.id()), builds.stream().map(Build::id).toList());
        assertEquals(BuildState.CANCELED, datastore.builds.get(canceled.id()).state());
        assertEquals(List.of(other.id()), allocator.inspect(plan -> plan.allocatedTo(agent)),
                "the plan forgot the canceled build");
    }

    @Test
    void aDatastoreDownWhenTheAllocatorStartsIsReadAgainWithABackoffUntilItIsBack() throws Exception {
        UUID agent = datastore.agent("agent");
        Build waiting = datastore.schedule(1);
        datastore.failReads.set(true);
        allocator = AllocatorActor.start(datastore, new BasicStrategy(), 1);

        long downUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
        while (System.nanoTime() < downUntil) {
            assertTrue(allocator.allocate(agent, Set.of(SYSTEM), 1).isEmpty(), "nothing read yet");
            Thread.sleep(50);
        }
        int triesWhileDown = datastore.failedReads.get();
        // 100 ms doubling: tries at about 0, 0.1, 0.3, 0.7 and 1.5 s; a loop without a back-off would make thousands.
        assertTrue(triesWhileDown >= 2 && triesWhileDown <= 8, "reads tried in 1.5 s: " + triesWhileDown);

        datastore.failReads.set(false);
        List<Build> got = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            got = allocator.allocate(agent, Set.of(SYSTEM), 1);
        }
        assertEquals(List.of(waiting.id()), got.stream().map(Build::id).toList(), "the plan was read once it could be");
    }

    /**
     * Builds and agents in maps; a write applies its work to them under a lock, or fails when told to. Only what the
     * allocator asks of a datastore is answered.
     */
    private static final class BuildsInMemory implements Datastore {
        final Map<UUID, Build> builds = new ConcurrentHashMap<>();
        final Map<UUID, Agent> agents = new ConcurrentHashMap<>();
        final AtomicBoolean failWrites = new AtomicBoolean();
        final AtomicBoolean failReads = new AtomicBoolean();
        final AtomicInteger failedReads = new AtomicInteger();
        private final AtomicLong events = new AtomicLong();

        UUID agent(String name) {
            Agent agent = new Agent(UUID.randomUUID(), name, "", Set.of(SYSTEM), Set.of(), true, T0, null);
            agents.put(agent.id(), agent);
            return agent.id();
        }

        Build schedule(long sequence) {
            Build build = new Build(UUID.randomUUID(), sequence, "/nix/store/" + sequence + "-b.drv", SYSTEM, 0,
                    Set.of(), Set.of(), BuildState.SCHEDULED, T0, T0, null, null, null, 0, null);
            builds.put(build.id(), build);
            return build;
        }

        @Override
        public synchronized <T> T write(Function<DatastoreTransaction, T> work) {
            if (failWrites.get()) {
                throw new IllegalStateException("the disk is full");
            }
            return work.apply(transaction());
        }

        @Override
        public <T> T read(Function<DatastoreReader, T> work) {
            if (failReads.get()) {
                failedReads.incrementAndGet();
                throw new IllegalStateException("the database is restarting");
            }
            return work.apply(transaction());
        }

        private DatastoreTransaction transaction() {
            return (DatastoreTransaction) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DatastoreTransaction.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "agents" -> List.copyOf(agents.values());
                        case "agent" -> Optional.ofNullable(agents.get((UUID) args[0]));
                        case "pendingBuilds" -> builds.values().stream()
                                .filter(build -> build.state() == BuildState.SCHEDULED)
                                .map(build -> new PendingBuild(build.id(), build.sequence(), build.derivationPath(),
                                        build.system(), build.priority(), Set.of(), Set.of(), build.state(), null,
                                        null))
                                .toList();
                        case "builds" -> ((Collection<?>) args[0]).stream().map(builds::get).toList();
                        case "updateBuild" -> builds.put(((Build) args[0]).id(), (Build) args[0]);
                        case "appendEvent" -> new Event(events.incrementAndGet(), (EventType) args[0],
                                (Instant) args[1], (UUID) args[2], (UUID) args[3], Map.of());
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        @Override
        public EventSubscription subscribe(EventListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int schemaVersion() {
            return 1;
        }

        @Override
        public String databaseKind() {
            return "memory";
        }
    }
}
