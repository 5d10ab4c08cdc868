package dev.kiln.transport.jetty.tests;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.kiln.api.Agent;
import dev.kiln.api.AgentActivity;
import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentCredentials;
import dev.kiln.api.AgentDeactivatedException;
import dev.kiln.api.AgentLoad;
import dev.kiln.api.AgentPlan;
import dev.kiln.api.AgentService;
import dev.kiln.api.AllocationPlanService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildGraph;
import dev.kiln.api.BuildGraphService;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildWaiting;
import dev.kiln.api.ConflictException;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventListener;
import dev.kiln.api.EventService;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.EventType;
import dev.kiln.api.FailureKind;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.GraphNode;
import dev.kiln.api.IllegalTransitionException;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NewAgent;
import dev.kiln.api.NotAllocatedToAgentException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.PlanStatistics;
import dev.kiln.api.QueuePosition;
import dev.kiln.api.PlannedBuild;
import dev.kiln.api.RunningBuild;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.SetupFailureKind;
import dev.kiln.api.StoredOutput;
import dev.kiln.api.SubmitOutcome;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;

/**
 * The coordinator's services in memory, with the build lifecycle's rules, so that the HTTP layer can be tested on its
 * own. One lock guards everything.
 */
final class InMemoryCoordinator implements BuildService, BuildGraphService, AgentBuildService, DerivationService,
        AllocationPlanService, EventService {

    private final Map<String, DerivationSummary> derivations = new LinkedHashMap<>();
    private final Map<UUID, Build> builds = new LinkedHashMap<>();
    private final Map<UUID, List<OutputMetadata>> outputs = new LinkedHashMap<>();
    private final Map<UUID, List<BuildAttempt>> attempts = new HashMap<>();
    private final Map<String, StoredOutput> stored = new LinkedHashMap<>();
    private final Map<UUID, Agent> agents = new ConcurrentHashMap<>();
    private final Map<UUID, String> passwords = new ConcurrentHashMap<>();
    private final Map<UUID, AgentLoad> loads = new ConcurrentHashMap<>();
    private final Map<String, Long> cursors = new HashMap<>();
    private final List<Event> events = new ArrayList<>();
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    /** How many times a stored derivation was asked for. */
    private int derivationReads;
    private long sequence;

    @Override
    public synchronized List<SubmitResult> submit(SubmitRequest request) {
        request.derivations().forEach(d -> derivations.putIfAbsent(d.path(), d));
        List<SubmitResult> results = new ArrayList<>();
        for (BuildSubmission submission : request.builds()) {
            DerivationSummary derivation = derivations.get(submission.derivationPath());
            if (derivation == null) {
                throw new InvalidRequestException("unknown derivation " + submission.derivationPath());
            }
            Optional<Build> existing = builds.values().stream()
                    .filter(b -> b.derivationPath().equals(derivation.path())).findFirst();
            if (submission.options().ignoreIfDerivationHasBuild() && existing.isPresent()) {
                results.add(new SubmitResult(derivation.path(), SubmitOutcome.EXISTING_BUILD_FOR_DERIVATION,
                        existing.get().id(), existing.get().state()));
                continue;
            }
            if (stored.keySet().containsAll(derivation.outputPaths())) {
                results.add(new SubmitResult(derivation.path(), SubmitOutcome.OUTPUTS_HELD, null, null));
                continue;
            }
            Instant now = Instant.now();
            Build build = new Build(UUID.randomUUID(), ++sequence, derivation.path(), derivation.system(),
                    submission.options().priority(), submission.options().tags(),
                    submission.options().requiredAgentTags(), BuildState.SCHEDULED, now, now, null, null, null, 0,
                    submission.options().deferUntil());
            builds.put(build.id(), build);
            event(EventType.BUILD_SUBMITTED, build.id(), null);
            results.add(new SubmitResult(derivation.path(), SubmitOutcome.CREATED, build.id(), build.state()));
        }
        return results;
    }

    @Override
    public synchronized BuildPage list(BuildQuery query) {
        long after = query.cursor() == null ? 0 : Long.parseLong(query.cursor());
        List<Build> page = builds.values().stream()
                .filter(b -> b.sequence() > after)
                .filter(b -> matches(b, query))
                .limit(query.limit() + 1L).toList();
        if (page.size() > query.limit()) {
            List<Build> shown = page.subList(0, query.limit());
            return new BuildPage(shown, Long.toString(shown.get(shown.size() - 1).sequence()));
        }
        return new BuildPage(page, null);
    }

    private static boolean matches(Build b, BuildQuery query) {
        return (query.states().isEmpty() || query.states().contains(b.state()))
                && (query.system() == null || query.system().equals(b.system()))
                && (query.tag() == null || b.tags().contains(query.tag()))
                && (query.derivationPath() == null || query.derivationPath().equals(b.derivationPath()))
                && (query.agentId() == null || query.agentId().equals(b.agentId()));
    }

    @Override
    public synchronized Map<BuildState, Long> counts(BuildQuery filter) {
        Map<BuildState, Long> counts = new EnumMap<>(BuildState.class);
        builds.values().stream().filter(b -> matches(b, filter)).forEach(b -> counts.merge(b.state(), 1L, Long::sum));
        return counts;
    }

    @Override
    public synchronized Build tag(UUID buildId, Set<Tag> add, Set<String> remove) {
        Build build = get(buildId);
        Set<String> replaced = new HashSet<>(remove);
        add.forEach(tag -> replaced.add(tag.key()));
        Set<Tag> tags = new HashSet<>(add);
        build.tags().stream().filter(tag -> !replaced.contains(tag.key())).forEach(tags::add);
        return tags.equals(build.tags()) ? build : put(build.withTags(tags), EventType.BUILD_TAGGED);
    }

    @Override
    public synchronized Build get(UUID buildId) {
        Build build = builds.get(buildId);
        if (build == null) {
            throw new NotFoundException("build", buildId);
        }
        return build;
    }

    @Override
    public synchronized List<OutputMetadata> outputs(UUID buildId) {
        get(buildId);
        return outputs.getOrDefault(buildId, List.of());
    }

    @Override
    public synchronized List<SetupFailure> setupFailures(UUID buildId) {
        get(buildId);
        return List.of();
    }

    @Override
    public synchronized List<BuildAttempt> attempts(UUID buildId) {
        get(buildId);
        return List.copyOf(attempts.getOrDefault(buildId, List.of()));
    }

    /** Builds here never become dependency-failed. */
    @Override
    public synchronized Optional<Build> failedDependency(UUID buildId) {
        get(buildId);
        return Optional.empty();
    }

    @Override
    public synchronized Build cancel(UUID buildId) {
        Build build = get(buildId);
        if (build.state().isFinal()) {
            throw new IllegalTransitionException(buildId, build.state(), "cancel");
        }
        return put(build.withState(BuildState.CANCELED, Instant.now()).withFinishedAt(Instant.now()),
                EventType.BUILD_CANCELED);
    }

    @Override
    public synchronized Build retry(UUID buildId) {
        Build build = get(buildId);
        if (!build.state().isFinal() && build.state() != BuildState.DEPENDENCY_FAILED
                || build.state() == BuildState.SUCCEEDED) {
            throw new IllegalTransitionException(buildId, build.state(), "retry");
        }
        return put(build.withState(BuildState.SCHEDULED, Instant.now()).withAgent(null), EventType.BUILD_RETRIED);
    }

    @Override
    public synchronized Build changePriority(UUID buildId, int priority) {
        return put(get(buildId).withPriority(priority), EventType.BUILD_PRIORITY_CHANGED);
    }

    @Override
    public synchronized List<Build> fetch(UUID agentId, FetchRequest request) {
        if (!agentService.get(agentId).active()) {
            throw new AgentDeactivatedException(agentId);
        }
        List<Build> fetched = new ArrayList<>();
        for (Build build : List.copyOf(builds.values())) {
            if (fetched.size() >= request.freeSlots()) {
                break;
            }
            if (build.state() == BuildState.SCHEDULED && request.systems().contains(build.system())) {
                fetched.add(put(build.withState(BuildState.ALLOCATED, Instant.now()).withAgent(agentId),
                        EventType.BUILD_ALLOCATED));
            }
        }
        agentService.heartbeat(agentId);
        return fetched;
    }

    @Override
    public synchronized Build reportStarted(UUID agentId, UUID buildId) {
        Build build = allocated(agentId, buildId);
        List<BuildAttempt> made = attempts.computeIfAbsent(buildId, id -> new ArrayList<>());
        made.add(new BuildAttempt(buildId, made.size() + 1, agentId, Instant.now(), null));
        return put(build.withState(BuildState.STARTED, Instant.now()).withStartedAt(Instant.now()),
                EventType.BUILD_STARTED);
    }

    @Override
    public synchronized Build reportSuccess(UUID agentId, UUID buildId, List<OutputMetadata> metadata) {
        Build build = allocated(agentId, buildId);
        outputs.put(buildId, List.copyOf(metadata));
        DerivationSummary derivation = derivations.get(build.derivationPath());
        for (OutputMetadata output : metadata) {
            stored.put(output.path(), new StoredOutput(output.path(), output.narHash(), output.narSize(),
                    output.references(), derivation.path(), buildId, Instant.now()));
        }
        return put(build.withState(BuildState.SUCCEEDED, Instant.now()).withFinishedAt(Instant.now()),
                EventType.BUILD_SUCCESS);
    }

    @Override
    public synchronized Build reportFailure(UUID agentId, UUID buildId, FailureKind kind, Integer exitStatus) {
        Build build = allocated(agentId, buildId);
        List<BuildAttempt> made = attempts.getOrDefault(buildId, List.of());
        if (!made.isEmpty()) {
            made.set(made.size() - 1, made.get(made.size() - 1).withExitStatus(exitStatus));
        }
        return put(build.withState(BuildState.FAILED, Instant.now()).withFinishedAt(Instant.now())
                .withFailureKind(kind), EventType.BUILD_FAILURE);
    }

    @Override
    public synchronized Build reportSetupFailure(UUID agentId, UUID buildId, SetupFailureKind kind,
            List<String> missingInputs) {
        Build build = allocated(agentId, buildId);
        return put(build.withState(BuildState.SCHEDULED, Instant.now()).withAgent(null)
                .withSetupFailureCount(build.setupFailureCount() + 1), EventType.BUILD_SETUP_FAILURE);
    }

    private Build allocated(UUID agentId, UUID buildId) {
        Build build = get(buildId);
        if (!agentId.equals(build.agentId()) || !build.state().isPending()) {
            throw new NotAllocatedToAgentException(buildId, agentId);
        }
        return build;
    }

    /** The agent service: a separate object, as its {@code get} differs from the build service's. */
    final AgentService agentService = new AgentService() {
        @Override
        public void alive(UUID agentId, Collection<UUID> buildIds) {
            // The in-memory coordinator takes no build back.
        }

        @Override
        public AgentCredentials create(NewAgent agent) {
            if (agents.values().stream().anyMatch(known -> known.name().equals(agent.name()))) {
                throw new ConflictException("there is already an agent named " + agent.name());
            }
            Agent created = new Agent(UUID.randomUUID(), agent.name(), agent.description(), agent.systems(), agent.tags(),
                    true, Instant.now(), null);
            agents.put(created.id(), created);
            String password = UUID.randomUUID().toString();
            passwords.put(created.id(), password);
            return new AgentCredentials(created, password);
        }

        @Override
        public List<Agent> list() {
            return List.copyOf(agents.values());
        }


        @Override
        public Agent get(UUID agentId) {
            return getAgent(agentId);
        }

        private Agent getAgent(UUID agentId) {
            Agent agent = agents.get(agentId);
            if (agent == null) {
                throw new NotFoundException("agent", agentId);
            }
            return agent;
        }

        @Override
        public AgentCredentials newPassword(UUID agentId) {
            Agent agent = getAgent(agentId);
            String password = UUID.randomUUID().toString();
            passwords.put(agentId, password);
            return new AgentCredentials(agent, password);
        }

        @Override
        public Agent find(String idOrName) {
            return agents.values().stream()
                    .filter(agent -> agent.id().toString().equals(idOrName) || agent.name().equals(idOrName))
                    .findFirst().orElseThrow(() -> new NotFoundException("agent", idOrName));
        }

        @Override
        public Agent activate(UUID agentId) {
            Agent agent = getAgent(agentId).withActive(true);
            agents.put(agentId, agent);
            return agent;
        }

        @Override
        public Agent deactivate(UUID agentId, boolean now) {
            Agent agent = getAgent(agentId).withActive(false);
            agents.put(agentId, agent);
            takeBack(agentId, now ? Set.of(BuildState.ALLOCATED, BuildState.STARTED) : Set.of(BuildState.ALLOCATED));
            return agent;
        }

        @Override
        public Agent remove(UUID agentId) {
            Agent agent = getAgent(agentId);
            takeBack(agentId, Set.of(BuildState.ALLOCATED, BuildState.STARTED));
            agents.remove(agentId);
            passwords.remove(agentId);
            return agent;
        }

        private void takeBack(UUID agentId, Set<BuildState> states) {
            synchronized (InMemoryCoordinator.this) {
                for (Build build : List.copyOf(builds.values())) {
                    if (agentId.equals(build.agentId()) && states.contains(build.state())) {
                        put(build.withState(BuildState.SCHEDULED, Instant.now()).withAgent(null),
                                EventType.AGENT_CHANGED);
                    }
                }
            }
        }

        @Override
        public boolean authenticate(UUID agentId, String password) {
            return agents.containsKey(agentId) && password.equals(passwords.get(agentId));
        }

        @Override
        public void heartbeat(UUID agentId) {
            agents.put(agentId, getAgent(agentId).withLastSeen(Instant.now()));
        }

        @Override
        public void reportLoad(UUID agentId, AgentLoad load) {
            loads.put(agentId, load);
        }

        @Override
        public Map<UUID, AgentActivity> activity() {
            synchronized (InMemoryCoordinator.this) {
                Map<UUID, AgentActivity> activity = new HashMap<>();
                for (Agent agent : agents.values()) {
                    List<RunningBuild> held = builds.values().stream()
                            .filter(b -> agent.id().equals(b.agentId())
                                    && (b.state() == BuildState.ALLOCATED || b.state() == BuildState.STARTED))
                            .map(b -> new RunningBuild(b.id(), agent.id(), b.derivationPath(), b.state(),
                                    b.stateChangedAt()))
                            .toList();
                    activity.put(agent.id(), new AgentActivity(agent.id(), held, loads.get(agent.id())));
                }
                return activity;
            }
        }

        @Override
        public void restarted(UUID agentId) {
            synchronized (InMemoryCoordinator.this) {
                for (Build build : List.copyOf(builds.values())) {
                    if (agentId.equals(build.agentId()) && build.state().isPending()) {
                        put(build.withState(BuildState.SCHEDULED, Instant.now()).withAgent(null),
                                EventType.BUILD_RESCHEDULED);
                    }
                }
            }
        }
    };

    synchronized int derivationReads() {
        return derivationReads;
    }

    @Override
    public synchronized DerivationSummary get(String derivationPath) {
        derivationReads++;
        DerivationSummary derivation = derivations.get(derivationPath);
        if (derivation == null) {
            throw new NotFoundException("derivation", derivationPath);
        }
        return derivation;
    }

    @Override
    public synchronized Set<String> known(Collection<String> derivationPaths) {
        Set<String> known = new HashSet<>(derivationPaths);
        known.retainAll(derivations.keySet());
        return known;
    }

    @Override
    public synchronized Set<String> heldOutputs(Collection<String> storePaths) {
        Set<String> held = new HashSet<>(storePaths);
        held.retainAll(stored.keySet());
        return held;
    }

    @Override
    public synchronized Optional<StoredOutput> storedOutput(String storePath) {
        return Optional.ofNullable(stored.get(storePath));
    }

    @Override
    public synchronized Optional<StoredOutput> storedOutputByHashPart(String hashPart) {
        return stored.values().stream()
                .filter(o -> o.path().substring(o.path().lastIndexOf('/') + 1).startsWith(hashPart + "-")).findFirst();
    }

    @Override
    public synchronized List<StoredOutput> storedOutputs(String afterPath, int limit) {
        return stored.values().stream().filter(o -> o.path().compareTo(afterPath) > 0)
                .sorted((a, b) -> a.path().compareTo(b.path())).limit(limit).toList();
    }

    @Override
    public synchronized AgentPlan plan(UUID agentId, int limit) {
        return plans(limit).stream().filter(p -> p.agentId().equals(agentId)).findFirst()
                .orElseThrow(() -> new NotFoundException("agent", agentId));
    }

    @Override
    public synchronized List<AgentPlan> plans(int limitPerAgent) {
        List<AgentPlan> plans = new ArrayList<>();
        for (Agent agent : agents.values()) {
            List<PlannedBuild> planned = builds.values().stream()
                    .filter(b -> b.state() == BuildState.SCHEDULED && agent.systems().contains(b.system()))
                    .limit(limitPerAgent)
                    .map(b -> new PlannedBuild(b.id(), b.derivationPath(), b.system(), b.priority(), b.priority(),
                            b.sequence()))
                    .toList();
            plans.add(new AgentPlan(agent.id(), planned, 0, 0));
        }
        return plans;
    }

    @Override
    public Map<UUID, String> unallocatable(Collection<UUID> buildIds) {
        return Map.of();
    }

    /** No graph: a build here stands alone, and waits for nothing but an agent. */
    @Override
    public synchronized BuildWaiting waiting(UUID buildId) {
        return new BuildWaiting(get(buildId), List.of());
    }

    @Override
    public synchronized BuildGraph graph(UUID buildId, int maxNodes) {
        Build build = get(buildId);
        return new BuildGraph(buildId, List.of(new GraphNode(build.derivationPath(), buildId, build.state(), 0, 0,
                false)), List.of(), List.of(), 0);
    }

    @Override
    public synchronized List<Build> cancelWithDependents(UUID buildId) {
        return List.of(cancel(buildId));
    }

    @Override
    public List<Build> raiseInputPriority(UUID buildId, int priority) {
        get(buildId);
        return List.of();
    }

    @Override
    public Optional<QueuePosition> position(UUID buildId, int limit) {
        return Optional.empty();
    }

    @Override
    public synchronized PlanStatistics statistics() {
        int ready = (int) builds.values().stream().filter(b -> b.state() == BuildState.SCHEDULED).count();
        int allocated = (int) builds.values().stream().filter(b -> b.state() == BuildState.ALLOCATED).count();
        int started = (int) builds.values().stream().filter(b -> b.state() == BuildState.STARTED).count();
        return new PlanStatistics("in-memory", ready, 0, 0, allocated, started);
    }

    @Override
    public synchronized List<Event> after(long afterId, int limit) {
        return events.stream().filter(e -> e.id() > afterId).limit(limit).toList();
    }

    @Override
    public synchronized long latestId() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).id();
    }

    private RuntimeException writeFailure;

    @Override
    public synchronized Map<String, Long> cursors(String prefix) {
        return cursors.entrySet().stream().filter(cursor -> cursor.getKey().startsWith(prefix))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public synchronized void saveCursors(Map<String, Long> positions) {
        if (writeFailure != null) {
            throw writeFailure;
        }
        cursors.putAll(positions);
    }

    /** Makes writes fail with this, as a full disk would; null to let them succeed again. */
    synchronized void failWrites(RuntimeException failure) {
        writeFailure = failure;
    }

    @Override
    public EventSubscription subscribe(EventListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private Build put(Build build, EventType type) {
        builds.put(build.id(), build);
        event(type, build.id(), build.agentId());
        return build;
    }

    private void event(EventType type, UUID buildId, UUID agentId) {
        Event event = new Event(events.size() + 1L, type, Instant.now(), buildId, agentId, Map.of());
        events.add(event);
        listeners.forEach(listener -> listener.committed(List.of(event)));
    }
}
