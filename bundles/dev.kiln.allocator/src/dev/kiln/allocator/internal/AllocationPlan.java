package dev.kiln.allocator.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.kiln.api.Agent;
import dev.kiln.api.AgentPlan;
import dev.kiln.api.BuildState;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.PlanStatistics;
import dev.kiln.api.PlannedBuild;
import dev.kiln.api.QueuePosition;
import dev.kiln.api.Tag;
import dev.kiln.api.allocation.AllocationStrategy;
import dev.kiln.api.allocation.PendingBuild;

/**
 * The allocator's state: every pending build, which of them are ready, and in what order. Not thread-safe: owned by
 * the allocator's thread.
 *
 * <p>Ready builds sit in {@link ReadyQueues}, one queue per system and class of builds (required agent tags and
 * system features), which also decides their order (priority, fair share, age); an agent's plan is the merge of the
 * few queues of its systems whose class it matches, and choosing its builds costs a few logarithmic steps per
 * build, whatever the number of pending builds. Every change is applied incrementally:
 * <ul>
 * <li>a scheduled build is blocked while one of its input derivations has a pending build; the count of such
 * inputs is kept per build, and updated when the first pending build of a derivation appears or the last one
 * goes;</li>
 * <li>the effective priorities of the scheduled builds waiting on a derivation are kept per derivation as a
 * counted multiset, so that the strategy's inherited priority is read in logarithmic time, and a change is
 * propagated to the inputs only as far as it changes something.</li>
 * </ul>
 */
final class AllocationPlan {

    private static final Comparator<Entry> DEFERRED_ORDER = Comparator
            .comparingLong((Entry e) -> e.deferUntil)
            .thenComparingLong(e -> e.sequence)
            .thenComparing(e -> e.id);

    /** How long a faster agent's fetch keeps builds it can take from slower agents. */
    static final long PREFERENCE_MILLIS = 5_000;

    private final AllocationStrategy strategy;
    private final int maxAllocatedPerAgent;

    private final Map<UUID, Entry> entries = new HashMap<>();
    /** Pending builds of each derivation. */
    private final Map<String, List<Entry>> pendingByDerivation = new HashMap<>();
    /** Pending builds that need an output of each derivation (a set: thousands may wait on one bootstrap input). */
    private final Map<String, Set<Entry>> waitersByInput = new HashMap<>();
    /** Effective priorities of the scheduled builds waiting on each derivation, with their counts. */
    private final Map<String, TreeMap<Integer, Integer>> waitingPriorities = new HashMap<>();
    private final ShareUsage usage = new ShareUsage();
    private final ReadyQueues ready = new ReadyQueues(usage);
    private final NavigableSet<Entry> deferred = new TreeSet<>(DEFERRED_ORDER);
    private final Map<UUID, Agent> agents = new HashMap<>();
    private final Map<UUID, int[]> agentCounts = new HashMap<>();
    private final Map<UUID, Set<UUID>> allocatedByAgent = new HashMap<>();
    /** What each agent said it can do with its latest fetch, since the allocator started. */
    private final Map<UUID, Offer> offers = new HashMap<>();
    /** When each agent was last heard of (fetch or heartbeat), in epoch milliseconds. */
    private final Map<UUID, Long> lastHeard = new HashMap<>();
    private final long agentTimeoutMillis;

    AllocationPlan(AllocationStrategy strategy, int maxAllocatedPerAgent) {
        this(strategy, maxAllocatedPerAgent, Long.MAX_VALUE);
    }

    /**
     * @param agentTimeoutMillis how long an agent not heard of still counts among those that can take a build, for
     *                           {@link #unallocatable}
     */
    AllocationPlan(AllocationStrategy strategy, int maxAllocatedPerAgent, long agentTimeoutMillis) {
        this.strategy = strategy;
        this.maxAllocatedPerAgent = maxAllocatedPerAgent;
        this.agentTimeoutMillis = agentTimeoutMillis;
    }

    String strategyName() {
        return strategy.name();
    }

    /** Adds a pending build, or replaces what was known of it. */
    void put(PendingBuild build, long now) {
        remove(build.id(), now);
        Entry entry = new Entry(build, now);
        entries.put(entry.id, entry);
        for (String input : entry.inputs) {
            waitersByInput.computeIfAbsent(input, k -> new LinkedHashSet<>()).add(entry);
            if (pendingByDerivation.containsKey(input)) {
                entry.blockers++;
            }
        }
        List<Entry> sameDerivation = pendingByDerivation.computeIfAbsent(entry.derivation, k -> new ArrayList<>());
        sameDerivation.add(entry);
        if (sameDerivation.size() == 1) {
            for (Entry waiter : waitersByInput.getOrDefault(entry.derivation, Set.of())) {
                if (waiter != entry) {
                    unqueue(waiter);
                    waiter.blockers++;
                }
            }
        }
        entry.effective = strategy.effectivePriority(entry.priority, highestWaiting(entry.derivation));
        if (entry.agent != null) {
            count(entry.agent, entry.id, entry.state, 1);
        }
        if (entry.state == BuildState.STARTED) {
            usage.started(entry.group, entry.startedAt);
        }
        if (entry.state == BuildState.SCHEDULED) {
            startWaiting(entry);
            enqueueIfReady(entry);
        }
    }

    /**
     * Forgets a build that is no longer pending (or is put again); the time it ran, if started, counts as used by its
     * share group.
     */
    void remove(UUID buildId, long now) {
        Entry entry = entries.remove(buildId);
        if (entry == null) {
            return;
        }
        unqueue(entry);
        if (entry.state == BuildState.STARTED) {
            usage.stopped(entry.group, entry.startedAt, now);
        }
        if (entry.state == BuildState.SCHEDULED) {
            stopWaiting(entry);
        }
        if (entry.agent != null) {
            count(entry.agent, entry.id, entry.state, -1);
        }
        for (String input : entry.inputs) {
            Set<Entry> waiters = waitersByInput.get(input);
            waiters.remove(entry);
            if (waiters.isEmpty()) {
                waitersByInput.remove(input);
            }
        }
        if (removeFrom(pendingByDerivation, entry.derivation, entry)) {
            for (Entry waiter : waitersByInput.getOrDefault(entry.derivation, Set.of())) {
                waiter.blockers--;
                enqueueIfReady(waiter);
            }
        }
    }

    /** A build allocated to an agent was started: from now on its build time counts for its share group. */
    void started(UUID buildId, long now) {
        Entry entry = entries.get(buildId);
        if (entry != null && entry.state == BuildState.ALLOCATED) {
            count(entry.agent, entry.id, BuildState.ALLOCATED, -1);
            entry.state = BuildState.STARTED;
            entry.startedAt = now;
            count(entry.agent, entry.id, BuildState.STARTED, 1);
            usage.started(entry.group, now);
        }
    }

    /** Sets the shares of a jobset; see {@link dev.kiln.api.allocation.Allocator#sharesChanged}. */
    void setShares(String jobset, int shares) {
        usage.setShares(jobset, shares);
    }

    /** A build of the share group that finished at {@code finishedAt} after {@code millis} (the plan's rebuild). */
    void used(Tag group, long finishedAt, long millis) {
        usage.finished(group, finishedAt, millis);
    }

    void changePriority(UUID buildId, int priority) {
        Entry entry = entries.get(buildId);
        if (entry != null) {
            entry.priority = priority;
            refreshEffective(entry);
        }
    }

    void putAgent(Agent agent) {
        agents.put(agent.id(), agent);
    }

    Agent agent(UUID agentId) {
        return agents.get(agentId);
    }

    Collection<Agent> agents() {
        return agents.values();
    }

    /** Moves the deferred builds whose time has come to their queues; returns the next deferral time, if any. */
    long promoteDeferred(long now) {
        while (!deferred.isEmpty() && deferred.first().deferUntil <= now) {
            Entry entry = deferred.pollFirst();
            entry.deferUntil = 0;
            entry.place = Place.NONE;
            enqueueIfReady(entry);
        }
        return deferred.isEmpty() ? Long.MAX_VALUE : deferred.first().deferUntil;
    }

    /** {@link #choose(UUID, FetchRequest, int, long)} for an agent without features, faster than none. */
    List<UUID> choose(UUID agentId, Set<String> systems, int count) {
        Agent agent = agents.get(agentId);
        if (agent == null || !agent.active()) {
            return List.of();
        }
        Offer offer = Offer.plain(systems.isEmpty() ? agent.systems() : systems);
        return take(agentId, ready.matching(offer.systems(), key -> able(agent, offer, key)), count, 0);
    }

    /**
     * Takes up to {@code count} ready builds for an agent out of the queues, best first, within the agent's cap: those
     * of its systems, tags and features, leaving the classes that a faster able agent with room, which fetched in the
     * last {@link #PREFERENCE_MILLIS}, can take. They stay in the plan as candidates: {@link #allocated} or
     * {@link #remove} each of them.
     */
    List<UUID> choose(UUID agentId, FetchRequest request, int count, long now) {
        Agent agent = agents.get(agentId);
        if (agent == null || !agent.active()) {
            return List.of();
        }
        Offer offer = new Offer(request.systems().isEmpty() ? agent.systems() : request.systems(), request.features(),
                request.mandatoryFeatures(), request.speedFactor(), request.freeSlots(), now);
        offers.put(agentId, offer);
        heard(agentId, now);
        return take(agentId, ready.matching(offer.systems(),
                key -> able(agent, offer, key) && !fasterAgentTakes(agentId, offer, key, now)), count, now);
    }

    /** The agent was heard of (a heartbeat): it still counts among the agents that can take builds. */
    void heard(UUID agentId, long now) {
        lastHeard.put(agentId, now);
    }

    private List<UUID> take(UUID agentId, List<ReadyQueues.ClassQueue> queues, int count, long now) {
        int allowed = Math.min(count, maxAllocatedPerAgent - counts(agentId)[0]);
        if (allowed <= 0) {
            return List.of();
        }
        List<UUID> chosen = new ArrayList<>();
        for (Entry entry : ready.take(queues, allowed, now)) {
            entry.place = Place.NONE;
            chosen.add(entry.id);
        }
        return chosen;
    }

    /**
     * Where a ready build stands among the ready builds of its system; see
     * {@link dev.kiln.api.AllocationPlanService#position}.
     */
    Optional<QueuePosition> position(UUID buildId, int limit, long now) {
        Entry entry = entries.get(buildId);
        return entry == null || entry.place != Place.READY ? Optional.empty()
                : ready.position(entry, limit, now);
    }

    private boolean fasterAgentTakes(UUID agentId, Offer offer, ReadyQueues.ClassKey key, long now) {
        for (Map.Entry<UUID, Offer> other : offers.entrySet()) {
            Offer faster = other.getValue();
            if (faster.speedFactor() > offer.speedFactor() && now - faster.at() <= PREFERENCE_MILLIS
                    && !other.getKey().equals(agentId)) {
                Agent otherAgent = agents.get(other.getKey());
                int[] counts = counts(other.getKey());
                if (otherAgent != null && otherAgent.active() && counts[0] + counts[1] < faster.slots()
                        && able(otherAgent, faster, key)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether an agent can take builds of a class: its system, the tags it requires, every feature it requires, and
     * every mandatory feature of the agent among them.
     */
    private static boolean able(Agent agent, Offer offer, ReadyQueues.ClassKey key) {
        return offer.systems().contains(key.system()) && agent.tags().containsAll(key.required())
                && offer.features().containsAll(key.features()) && key.features().containsAll(offer.mandatory());
    }

    /**
     * Why no agent can take these builds, for those scheduled that no active agent heard of within the agent timeout
     * can take; see {@link dev.kiln.api.AllocationPlanService#unallocatable}.
     */
    Map<UUID, String> unallocatable(Collection<UUID> buildIds, long now) {
        Map<UUID, Offer> live = new HashMap<>();
        offers.forEach((id, offer) -> {
            Agent agent = agents.get(id);
            if (agent != null && agent.active() && now - lastHeard.getOrDefault(id, offer.at()) <= agentTimeoutMillis) {
                live.put(id, offer);
            }
        });
        Map<ReadyQueues.ClassKey, String> reasons = new HashMap<>();
        Map<UUID, String> unallocatable = new HashMap<>();
        for (UUID id : buildIds) {
            Entry entry = entries.get(id);
            if (entry != null && entry.state == BuildState.SCHEDULED) {
                String reason = reasons.computeIfAbsent(entry.classKey(), key -> reason(key, live));
                if (reason != null) {
                    unallocatable.put(id, reason);
                }
            }
        }
        return unallocatable;
    }

    /** Why none of these agents can take builds of a class, or null when one can. */
    private String reason(ReadyQueues.ClassKey key, Map<UUID, Offer> live) {
        List<Map.Entry<Agent, Offer>> candidates = new ArrayList<>();
        live.forEach((id, offer) -> {
            if (offer.systems().contains(key.system())) {
                candidates.add(Map.entry(agents.get(id), offer));
            }
        });
        if (candidates.isEmpty()) {
            return "no agent builds for " + key.system();
        }
        candidates.removeIf(candidate -> !candidate.getKey().tags().containsAll(key.required()));
        if (candidates.isEmpty()) {
            return "no agent of " + key.system() + " carries the tags " + key.required().stream().sorted()
                    .map(Tag::toString).toList();
        }
        Set<String> missing = new TreeSet<>(key.features());
        candidates.forEach(candidate -> missing.removeAll(candidate.getValue().features()));
        if (!missing.isEmpty()) {
            return "no agent has " + String.join(", ", missing);
        }
        candidates.removeIf(candidate -> !candidate.getValue().features().containsAll(key.features()));
        if (candidates.isEmpty()) {
            return "no agent has all of " + String.join(", ", new TreeSet<>(key.features()));
        }
        for (Map.Entry<Agent, Offer> candidate : candidates) {
            if (key.features().containsAll(candidate.getValue().mandatory())) {
                return null;
            }
        }
        Set<String> mandatory = new TreeSet<>();
        candidates.forEach(candidate -> mandatory.addAll(candidate.getValue().mandatory()));
        mandatory.removeAll(key.features());
        return "the agents that could take it build only what requires " + String.join(", ", mandatory);
    }

    /**
     * A chosen build is allocated to the agent: it counts against the agent's cap at once, while its allocation is
     * being committed; if that fails, {@link #unallocate} it.
     */
    void allocated(UUID buildId, UUID agentId) {
        Entry entry = entries.get(buildId);
        if (entry == null || entry.state != BuildState.SCHEDULED) {
            return;
        }
        unqueue(entry);
        stopWaiting(entry);
        entry.state = BuildState.ALLOCATED;
        entry.agent = agentId;
        count(agentId, buildId, BuildState.ALLOCATED, 1);
    }

    /** A build was not allocated to the agent after all (the transaction failed): it is scheduled again. */
    void unallocate(UUID buildId, UUID agentId) {
        Entry entry = entries.get(buildId);
        if (entry == null || entry.state != BuildState.ALLOCATED || !agentId.equals(entry.agent)) {
            return;
        }
        count(agentId, buildId, BuildState.ALLOCATED, -1);
        entry.state = BuildState.SCHEDULED;
        entry.agent = null;
        startWaiting(entry);
        enqueueIfReady(entry);
    }

    /** The agent's plan: the ready builds it matches, best first as of {@code now}, without taking them. */
    AgentPlan plan(UUID agentId, int limit, long now) {
        Agent agent = agents.get(agentId);
        int[] counts = counts(agentId);
        if (agent == null || !agent.active()) {
            return new AgentPlan(agentId, List.of(), counts[0], counts[1]);
        }
        Offer offer = offers.getOrDefault(agentId, Offer.plain(agent.systems()));
        Iterator<Entry> ordered = ready.ordered(ready.matching(offer.systems(), key -> able(agent, offer, key)), now);
        List<PlannedBuild> builds = new ArrayList<>();
        while (builds.size() < limit && ordered.hasNext()) {
            Entry entry = ordered.next();
            builds.add(new PlannedBuild(entry.id, entry.derivation, entry.system, entry.priority, entry.effective,
                    entry.sequence));
        }
        return new AgentPlan(agentId, builds, counts[0], counts[1]);
    }

    PlanStatistics statistics() {
        int readyCount = ready.size();
        int allocated = 0;
        int started = 0;
        int scheduled = 0;
        for (Entry entry : entries.values()) {
            switch (entry.state) {
                case SCHEDULED -> scheduled++;
                case ALLOCATED -> allocated++;
                case STARTED -> started++;
                default -> throw new IllegalStateException(entry.state.id());
            }
        }
        int deferredCount = deferred.size();
        return new PlanStatistics(strategy.name(), readyCount, scheduled - readyCount - deferredCount, deferredCount,
                allocated, started);
    }

    /** The effective priority of a pending build, for tests and the benchmark. */
    int effectivePriority(UUID buildId) {
        Entry entry = entries.get(buildId);
        if (entry == null) {
            throw new IllegalArgumentException("not in the plan: " + buildId);
        }
        return entry.effective;
    }

    private void enqueueIfReady(Entry entry) {
        if (entry.state != BuildState.SCHEDULED || entry.blockers > 0 || entry.place != Place.NONE) {
            return;
        }
        if (entry.deferUntil > 0) {
            deferred.add(entry);
            entry.place = Place.DEFERRED;
            return;
        }
        ready.add(entry);
        entry.place = Place.READY;
    }

    private void unqueue(Entry entry) {
        switch (entry.place) {
            case READY -> ready.remove(entry);
            case DEFERRED -> deferred.remove(entry);
            case NONE -> {
                return;
            }
        }
        entry.place = Place.NONE;
    }

    /** A scheduled build starts counting among the waiters of its inputs. */
    private void startWaiting(Entry entry) {
        Deque<String> changed = new ArrayDeque<>();
        for (String input : entry.inputs) {
            if (changeWaitingPriority(input, null, entry.effective)) {
                changed.add(input);
            }
        }
        propagate(changed);
    }

    private void stopWaiting(Entry entry) {
        Deque<String> changed = new ArrayDeque<>();
        for (String input : entry.inputs) {
            if (changeWaitingPriority(input, entry.effective, null)) {
                changed.add(input);
            }
        }
        propagate(changed);
    }

    /**
     * Replaces one waiting priority of a derivation by another ({@code null} for none).
     *
     * @return whether the highest waiting priority of the derivation changed
     */
    private boolean changeWaitingPriority(String derivation, Integer removed, Integer added) {
        TreeMap<Integer, Integer> priorities = waitingPriorities.computeIfAbsent(derivation, k -> new TreeMap<>());
        int before = priorities.isEmpty() ? Integer.MIN_VALUE : priorities.lastKey();
        if (removed != null && priorities.merge(removed, -1, Integer::sum) == 0) {
            priorities.remove(removed);
        }
        if (added != null) {
            priorities.merge(added, 1, Integer::sum);
        }
        if (priorities.isEmpty()) {
            waitingPriorities.remove(derivation);
        }
        return highestWaiting(derivation) != before;
    }

    private int highestWaiting(String derivation) {
        TreeMap<Integer, Integer> priorities = waitingPriorities.get(derivation);
        return priorities == null ? Integer.MIN_VALUE : priorities.lastKey();
    }

    /** Recomputes one build's effective priority and passes any change on. */
    private void refreshEffective(Entry entry) {
        Deque<String> changed = new ArrayDeque<>();
        updateEffective(entry, changed);
        propagate(changed);
    }

    /**
     * Recomputes the effective priorities of the pending builds of derivations whose highest waiting priority
     * changed, and on through their inputs, as far as something changes. Iterative: dependency chains can be
     * deeper than a thread's stack.
     */
    private void propagate(Deque<String> changed) {
        while (!changed.isEmpty()) {
            String derivation = changed.poll();
            for (Entry pending : pendingByDerivation.getOrDefault(derivation, List.of())) {
                updateEffective(pending, changed);
            }
        }
    }

    private void updateEffective(Entry entry, Deque<String> changed) {
        int updated = strategy.effectivePriority(entry.priority, highestWaiting(entry.derivation));
        if (updated == entry.effective) {
            return;
        }
        boolean queued = entry.place == Place.READY;
        if (queued) {
            ready.remove(entry);
        }
        int previous = entry.effective;
        entry.effective = updated;
        if (queued) {
            ready.add(entry);
        }
        if (entry.state == BuildState.SCHEDULED) {
            for (String input : entry.inputs) {
                if (changeWaitingPriority(input, previous, updated)) {
                    changed.add(input);
                }
            }
        }
    }

    private void count(UUID agentId, UUID buildId, BuildState state, int delta) {
        int[] counts = agentCounts.computeIfAbsent(agentId, k -> new int[2]);
        counts[state == BuildState.ALLOCATED ? 0 : 1] += delta;
        if (state == BuildState.ALLOCATED) {
            Set<UUID> ids = allocatedByAgent.computeIfAbsent(agentId, k -> new LinkedHashSet<>());
            if (delta > 0) {
                ids.add(buildId);
            } else {
                ids.remove(buildId);
                if (ids.isEmpty()) {
                    allocatedByAgent.remove(agentId);
                }
            }
        }
    }

    /** The builds allocated to the agent and not started, those whose allocation is being committed included. */
    List<UUID> allocatedTo(UUID agentId) {
        return List.copyOf(allocatedByAgent.getOrDefault(agentId, Set.of()));
    }

    private int[] counts(UUID agentId) {
        return agentCounts.getOrDefault(agentId, new int[2]);
    }

    private static boolean removeFrom(Map<String, List<Entry>> index, String key, Entry entry) {
        List<Entry> list = index.get(key);
        if (list == null) {
            return false;
        }
        list.remove(entry);
        if (list.isEmpty()) {
            index.remove(key);
            return true;
        }
        return false;
    }

    /**
     * What an agent said with its latest fetch.
     *
     * @param slots how many builds it asked for: its room, with those it holds
     * @param at    when, in epoch milliseconds
     */
    private record Offer(Set<String> systems, Set<String> features, Set<String> mandatory, double speedFactor,
            int slots, long at) {

        static Offer plain(Set<String> systems) {
            return new Offer(systems, Set.of(), Set.of(), 1, 0, Long.MIN_VALUE);
        }
    }

    /** Where a pending build waits: nowhere (blocked, allocated, started), ready, or deferred. */
    private enum Place {
        NONE, READY, DEFERRED
    }

    /** A pending build, as the plan keeps it. */
    static final class Entry {
        final UUID id;
        final long sequence;
        final String derivation;
        final String system;
        final Set<Tag> required;
        final Set<String> features;
        final Set<String> inputs;
        /** Its share group, or null. */
        final Tag group;
        int priority;
        int effective;
        BuildState state;
        UUID agent;
        long deferUntil;
        /** How many input derivations have a pending build. */
        int blockers;
        /** When it started, in epoch milliseconds, once started. */
        long startedAt;
        Place place = Place.NONE;

        Entry(PendingBuild build, long now) {
            id = build.id();
            sequence = build.sequence();
            derivation = build.derivationPath();
            system = build.system();
            required = build.requiredAgentTags();
            features = build.requiredFeatures();
            inputs = new HashSet<>(build.inputDerivations());
            inputs.remove(derivation);
            priority = build.priority();
            state = build.state();
            agent = build.state() == BuildState.SCHEDULED ? null : build.agentId();
            Instant until = build.deferUntil();
            deferUntil = until == null || until.toEpochMilli() <= now ? 0 : until.toEpochMilli();
            group = build.shareGroup();
            startedAt = build.startedAt() == null ? now : build.startedAt().toEpochMilli();
        }

        ReadyQueues.ClassKey classKey() {
            return new ReadyQueues.ClassKey(system, required, features);
        }
    }
}
