package dev.kiln.desktop.model.tests.fake;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.EventStream;
import dev.kiln.client.KilnApiException;
import dev.kiln.desktop.model.BuildFilter;
import dev.kiln.desktop.model.BuildSort;
import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException.Kind;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.LogListener;
import dev.kiln.desktop.model.Subscription;
import dev.kiln.desktop.model.views.Scheduler;
import dev.kiln.protocol.AgentBuildInfo;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.AgentPlanInfo;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.DerivationInfo;
import dev.kiln.protocol.DerivationOutputInfo;
import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.EvaluationStatus;
import dev.kiln.protocol.EvaluationSummaryInfo;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;
import dev.kiln.protocol.HookInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.OutputInfo;
import dev.kiln.protocol.PlannedBuildInfo;
import dev.kiln.protocol.SubmitOutcome;
import dev.kiln.protocol.SubmitResult;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.retry.Backoff;

/**
 * A coordinator in memory, behaving as the client API says: newest-first cursor paging, the state rules of cancel and
 * retry, agents with passwords, an event stream and followed logs. Its event streams behave as the client's: one that
 * cannot open or drops says so and, given a scheduler, opens again after the back-off's delay. Tests can take it down,
 * make it refuse the token, slow it down and drop its streams. Thread-safe.
 */
public final class FakeFarm implements FarmConnection {

    private final URI coordinator;
    private final String acceptedToken;
    private final String givenToken;
    private final LinkedHashMap<UUID, BuildInfo> builds = new LinkedHashMap<>();
    private final LinkedHashMap<UUID, AgentInfo> agents = new LinkedHashMap<>();
    private final List<HookInfo> hooks = new ArrayList<>();
    private final TreeMap<String, JobsetInfo> jobsets = new TreeMap<>();
    /** Every evaluation by id, in the order they started. */
    private final LinkedHashMap<Long, EvaluationInfo> evaluations = new LinkedHashMap<>();
    private final Map<Long, String> evaluationLogs = new LinkedHashMap<>();
    private final Map<UUID, StringBuilder> logs = new LinkedHashMap<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final Map<UUID, List<LogListener>> followers = new LinkedHashMap<>();
    private final List<Long> subscribedAfter = new ArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final Scheduler scheduler;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger listings = new AtomicInteger();
    private volatile boolean down;
    private final Map<UUID, WaitingInfo> waiting = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<UUID, BuildGraphInfo> graphs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean jobsetsRunning = true;
    private volatile Duration delay = Duration.ZERO;
    private long nextEventId = 1;
    private int passwords;
    private long nextEvaluationId = 1;

    /**
     * A coordinator that accepts {@code acceptedToken}, reached with {@code givenToken}.
     *
     * @param scheduler where event streams that could not open are opened again, or {@code null} for never
     */
    public FakeFarm(URI coordinator, String acceptedToken, String givenToken, Scheduler scheduler) {
        this.coordinator = coordinator;
        this.acceptedToken = acceptedToken;
        this.givenToken = givenToken;
        this.scheduler = scheduler;
    }

    /** A coordinator whose event streams that drop are opened again on {@code scheduler}. */
    public FakeFarm(Scheduler scheduler) {
        this(URI.create("http://127.0.0.1:8746"), "", "", scheduler);
    }

    public FakeFarm() {
        this(null);
    }

    // ---- what tests set up and observe

    public void setDown(boolean isDown) {
        down = isDown;
    }

    /** What {@link #waiting(UUID)} answers for the build. */
    public void setWaiting(UUID build, WaitingInfo reasons) {
        waiting.put(build, reasons);
    }

    /** What {@link #graph(UUID, int)} answers for the build. */
    public void setGraph(UUID build, BuildGraphInfo graph) {
        graphs.put(build, graph);
    }

    /** Every call waits this long first, as a slow coordinator would. */
    public void setDelay(Duration callDelay) {
        delay = callDelay;
    }

    /** How many times an event stream tried to open. */
    public int attempts() {
        return attempts.get();
    }

    /** How many pages of builds were asked for. */
    public int listings() {
        return listings.get();
    }

    /** Gives a build to an agent, which then holds it; the build is started. */
    public void hold(UUID agent, UUID build) {
        synchronized (this) {
            BuildInfo b = builds.get(build);
            builds.put(build, new BuildInfo(b.id(), BuildState.STARTED, b.derivation(), b.system(), b.priority(), b.tags(),
                    b.requiredAgentTags(), agent, b.createdAt(), Instant.now(), null, b.setupFailures(), b.deferUntil(),
                    b.outputs()));
        }
        emit(EventType.BUILD_STARTED, build, agent);
    }

    /** How many calls were made, streams opened included. */
    public int calls() {
        return calls.get();
    }

    /** The {@code lastEventId} of each subscription, in order. */
    public synchronized List<Long> subscribedAfter() {
        return List.copyOf(subscribedAfter);
    }

    public int openStreams() {
        return streams.size();
    }

    /** Adds a build, created {@code age} before {@code now}; final states also get their finish time. */
    public synchronized BuildInfo addBuild(String name, String system, BuildState state, int priority,
            Map<String, String> tags, Instant createdAt, Instant finishedAt) {
        UUID id = new UUID(0x4b494c4eL, builds.size() + 1L);
        String hash = String.format("%032d", builds.size() + 1).replace('0', 'a');
        String drv = "/nix/store/" + hash + "-" + name + ".drv";
        String out = "/nix/store/" + hash.replace('a', 'b') + "-" + name;
        List<OutputInfo> outputs = List.of(state == BuildState.SUCCEEDED
                ? new OutputInfo("out", out, "sha256:" + hash, 1024L * (builds.size() + 1), List.of(out))
                : new OutputInfo("out", out, null, 0, List.of()));
        BuildInfo build = new BuildInfo(id, state, drv, system, priority, tags, Map.of(), null, createdAt,
                state.isPending() && state != BuildState.STARTED ? null : createdAt.plusSeconds(1),
                state.isFinal() ? finishedAt : null, 0, null, outputs);
        builds.put(id, build);
        logs.put(id, new StringBuilder(state == BuildState.SCHEDULED ? "" : "building " + name + "\n"));
        return build;
    }

    public synchronized AgentInfo addAgent(String name, AgentStatus status, List<String> systems, Instant lastSeen) {
        UUID id = new UUID(0x4147454eL, agents.size() + 1L);
        AgentInfo agent = new AgentInfo(id, name, "", List.copyOf(systems), Map.of(), status != AgentStatus.INACTIVE,
                lastSeen, status, List.of(), status == AgentStatus.ONLINE ? 0.5 : null, null, null, null, null);
        agents.put(id, agent);
        return agent;
    }

    public synchronized void addHook(HookInfo hook) {
        hooks.add(hook);
    }

    /** Whether the coordinator runs jobsets; without, it answers their requests 503 unavailable. */
    public void setJobsetsRunning(boolean running) {
        jobsetsRunning = running;
    }

    /** The jobset as the coordinator holds it, or {@code null}. */
    public synchronized JobsetInfo jobset(String name) {
        return jobsets.get(name);
    }

    /** Ends the jobset's running evaluation as the evaluator would, with a summary of its builds. */
    public synchronized EvaluationInfo finishEvaluation(String jobset, EvaluationStatus status,
            EvaluationSummaryInfo summary, String log) {
        EvaluationInfo running = evaluations.values().stream()
                .filter(e -> e.jobset().equals(jobset) && e.status() == EvaluationStatus.RUNNING)
                .findFirst().orElseThrow(() -> new IllegalStateException("no evaluation of " + jobset + " runs"));
        int builds = summary.succeeded() + summary.failed() + summary.pending() + summary.canceled();
        EvaluationInfo finished = new EvaluationInfo(running.id(), jobset, running.commits(), running.startedAt(),
                running.startedAt().plusSeconds(3), status, builds, builds,
                status == EvaluationStatus.FAILED ? "the command exited with 1" : "", summary);
        evaluations.put(running.id(), finished);
        evaluationLogs.put(running.id(), log);
        return finished;
    }

    public synchronized BuildInfo get(UUID id) {
        return builds.get(id);
    }

    /** Changes a build's state as the coordinator would, and sends the event. */
    public void transition(UUID id, BuildState state, Instant at) {
        EventType type = switch (state) {
            case SCHEDULED -> EventType.BUILD_RESCHEDULED;
            case ALLOCATED -> EventType.BUILD_ALLOCATED;
            case STARTED -> EventType.BUILD_STARTED;
            case SUCCEEDED -> EventType.BUILD_SUCCESS;
            case FAILED -> EventType.BUILD_FAILURE;
            case CANCELED -> EventType.BUILD_CANCELED;
            case DEPENDENCY_FAILED -> EventType.BUILD_DEPENDENCY_FAILED;
        };
        synchronized (this) {
            BuildInfo old = builds.get(id);
            builds.put(id, with(old, state, old.priority(), at));
        }
        emit(type, id, null);
    }

    /** Sends an event to every open stream. */
    public void emit(EventType type, UUID build, UUID agent) {
        EventInfo event;
        synchronized (this) {
            event = new EventInfo(nextEventId++, type, Instant.now(), build, agent, Map.of());
        }
        for (Stream stream : streams) {
            stream.deliver(event);
        }
    }

    /** Ends every open stream as a coordinator going away would; each opens again after its back-off. */
    public void dropStreams() {
        for (Stream stream : List.copyOf(streams)) {
            stream.disconnected(new EOFException("connection reset"));
        }
    }

    /** Appends to a running build's log, telling its followers. */
    public void appendLog(UUID id, String text) {
        List<LogListener> listeners;
        synchronized (this) {
            logs.get(id).append(text);
            listeners = List.copyOf(followers.getOrDefault(id, List.of()));
        }
        listeners.forEach(listener -> listener.onText(text));
    }

    // ---- the connection

    @Override
    public URI coordinator() {
        return coordinator;
    }

    @Override
    public BuildList listBuilds(BuildFilter filter, BuildSort sort, boolean ascending, String cursor, int limit)
            throws FarmException {
        enter();
        listings.incrementAndGet();
        synchronized (this) {
            Comparator<BuildInfo> order = switch (sort) {
                case SUBMITTED -> Comparator.comparing(b -> 0);
                case PRIORITY -> Comparator.comparingInt(BuildInfo::priority);
                case STATE -> Comparator.comparing(b -> b.state().toString());
                case SYSTEM -> Comparator.comparing(BuildInfo::system);
                case DERIVATION -> Comparator.comparing(BuildInfo::derivation);
            };
            // Equal builds stay in submission order, in the same direction, as the coordinator keeps them.
            Map<UUID, Integer> sequence = new HashMap<>();
            builds.keySet().forEach(id -> sequence.put(id, sequence.size()));
            Comparator<BuildInfo> total = order.thenComparing(b -> sequence.get(b.id()));
            List<BuildInfo> listed = builds.values().stream()
                    .filter(b -> filter.states().isEmpty() || filter.states().contains(b.state()))
                    .filter(b -> filter.system() == null || filter.system().equals(b.system()))
                    .filter(b -> filter.tag() == null || filter.tag().equals(b.tags().entrySet().stream()
                            .map(tag -> tag.getKey() + "=" + tag.getValue()).filter(filter.tag()::equals)
                            .findFirst().orElse(null)))
                    .sorted(ascending ? total : total.reversed())
                    .toList();
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            int to = Math.min(listed.size(), from + limit);
            return new BuildList(List.copyOf(listed.subList(from, to)), to < listed.size() ? String.valueOf(to) : null,
                    cursor == null ? (long) listed.size() : null);
        }
    }

    @Override
    public synchronized Map<BuildState, Long> countBuilds() throws FarmException {
        enter();
        Map<BuildState, Long> counts = new EnumMap<>(BuildState.class);
        for (BuildState state : BuildState.values()) {
            counts.put(state, builds.values().stream().filter(b -> b.state() == state).count());
        }
        return counts;
    }

    @Override
    public BuildInfo tag(UUID id, Map<String, String> set, List<String> remove) throws FarmException {
        enter();
        BuildInfo tagged;
        synchronized (this) {
            BuildInfo b = found(builds.get(id), id);
            Map<String, String> tags = new TreeMap<>(b.tags());
            tags.putAll(set);
            remove.forEach(tags::remove);
            tagged = new BuildInfo(b.id(), b.state(), b.derivation(), b.system(), b.priority(), tags, b.requiredAgentTags(),
                    b.agent(), b.createdAt(), b.startedAt(), b.finishedAt(), b.setupFailures(), b.deferUntil(),
                    b.outputs());
            builds.put(id, tagged);
        }
        emit(EventType.BUILD_TAGGED, id, null);
        return tagged;
    }

    @Override
    public synchronized BuildInfo build(UUID id) throws FarmException {
        enter();
        return found(builds.get(id), id);
    }

    @Override
    public DerivationInfo derivation(String path) throws FarmException {
        enter();
        String name = path.substring(path.indexOf('-') + 1, path.length() - ".drv".length());
        String out = path.replace(".drv", "").replace("/nix/store/", "/nix/store/out-");
        return new DerivationInfo(Map.of("out", new DerivationOutputInfo(out, null, null)),
                List.of("/nix/store/dddddddddddddddddddddddddddddddd-builder.sh"),
                Map.of("/nix/store/cccccccccccccccccccccccccccccccc-bash-5.2.drv", List.of("out")), "x86_64-linux", "/bin/sh",
                List.of("-e", "builder.sh"), Map.of("name", name, "out", out, "system", "x86_64-linux"));
    }

    @Override
    public synchronized String log(UUID id) throws FarmException {
        enter();
        found(builds.get(id), id);
        return logs.get(id).toString();
    }

    @Override
    public Subscription followLog(UUID id, LogListener listener) throws FarmException {
        enter();
        String sofar;
        synchronized (this) {
            found(builds.get(id), id);
            sofar = logs.get(id).toString();
            followers.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(listener);
        }
        listener.onText(sofar);
        return () -> {
            synchronized (this) {
                followers.getOrDefault(id, List.of()).remove(listener);
            }
        };
    }

    @Override
    public BuildInfo cancel(UUID id) throws FarmException {
        enter();
        BuildInfo canceled;
        synchronized (this) {
            BuildInfo build = found(builds.get(id), id);
            if (!build.state().isPending() && build.state() != BuildState.DEPENDENCY_FAILED) {
                throw new FarmException(Kind.REJECTED, "build " + id + " is " + build.state() + ": it cannot be canceled");
            }
            canceled = with(build, BuildState.CANCELED, build.priority(), Instant.now());
            builds.put(id, canceled);
        }
        emit(EventType.BUILD_CANCELED, id, null);
        return canceled;
    }

    @Override
    public BuildInfo retry(UUID id) throws FarmException {
        enter();
        BuildInfo retried;
        synchronized (this) {
            BuildInfo build = found(builds.get(id), id);
            if (build.state() != BuildState.FAILED && build.state() != BuildState.CANCELED
                    && build.state() != BuildState.DEPENDENCY_FAILED) {
                throw new FarmException(Kind.REJECTED, "build " + id + " is " + build.state() + ": it cannot be retried");
            }
            retried = with(build, BuildState.SCHEDULED, build.priority(), null);
            builds.put(id, retried);
        }
        emit(EventType.BUILD_RETRIED, id, null);
        return retried;
    }

    @Override
    public BuildInfo setPriority(UUID id, int priority) throws FarmException {
        enter();
        BuildInfo changed;
        synchronized (this) {
            BuildInfo build = found(builds.get(id), id);
            changed = with(build, build.state(), priority, build.finishedAt());
            builds.put(id, changed);
        }
        emit(EventType.BUILD_PRIORITY_CHANGED, id, null);
        return changed;
    }

    @Override
    public WaitingInfo waiting(UUID id) throws FarmException {
        enter();
        BuildInfo build = build(id);
        return waiting.getOrDefault(id, new WaitingInfo(id, build.state(), List.of()));
    }

    @Override
    public BuildGraphInfo graph(UUID id, int maxNodes) throws FarmException {
        enter();
        return found(graphs.get(id), id);
    }

    @Override
    public List<BuildInfo> cancelWithDependents(UUID id) throws FarmException {
        return List.of(cancel(id));
    }

    @Override
    public List<BuildInfo> raiseInputPriority(UUID id, int priority) throws FarmException {
        enter();
        build(id);
        return List.of();
    }

    @Override
    public synchronized List<AgentInfo> agents() throws FarmException {
        enter();
        return agents.values().stream().map(agent -> new AgentInfo(agent.id(), agent.name(), agent.description(),
                agent.systems(), agent.tags(), agent.active(), agent.lastSeen(), agent.status(),
                builds.values().stream().filter(b -> agent.id().equals(b.agent()) && (b.state() == BuildState.ALLOCATED
                        || b.state() == BuildState.STARTED))
                        .map(b -> new AgentBuildInfo(b.id(), b.state(), b.derivation(), b.startedAt())).toList(),
                agent.load(), agent.freeSlots(), agent.loadReportedAt(), agent.freeDisk(), agent.idle()))
                .toList();
    }

    @Override
    public synchronized AgentPassword createAgent(NewAgentBody agent) throws FarmException {
        enter();
        if (agent.name().isBlank()) {
            throw new FarmException(Kind.REJECTED, "an agent needs a name");
        }
        UUID id = new UUID(0x4147454eL, agents.size() + 1L);
        agents.put(id, new AgentInfo(id, agent.name(), agent.description(), List.copyOf(agent.systems()),
                new TreeMap<>(agent.tags()), true, null, AgentStatus.OFFLINE));
        return new AgentPassword(id, "password-" + ++passwords);
    }

    @Override
    public synchronized AgentPassword newPassword(UUID agent) throws FarmException {
        enter();
        found(agents.get(agent), agent);
        return new AgentPassword(agent, "password-" + ++passwords);
    }

    @Override
    public synchronized AgentInfo setActive(UUID id, boolean active) throws FarmException {
        enter();
        AgentInfo agent = found(agents.get(id), id);
        AgentInfo changed = new AgentInfo(id, agent.name(), agent.description(), agent.systems(), agent.tags(), active,
                agent.lastSeen(), active ? AgentStatus.OFFLINE : AgentStatus.INACTIVE, List.of(), agent.load(),
                agent.freeSlots(), agent.loadReportedAt(), agent.freeDisk(), agent.idle());
        agents.put(id, changed);
        return changed;
    }

    @Override
    public synchronized List<AgentPlanInfo> plan() throws FarmException {
        enter();
        List<AgentPlanInfo> plan = new ArrayList<>();
        for (AgentInfo agent : agents.values()) {
            if (agent.status() == AgentStatus.ONLINE) {
                plan.add(new AgentPlanInfo(agent.id(), builds.values().stream()
                        .filter(b -> b.state() == BuildState.SCHEDULED && agent.systems().contains(b.system()))
                        .map(b -> new PlannedBuildInfo(b.id(), b.derivation(), b.priority()))
                        .limit(100).toList()));
            }
        }
        return plan;
    }

    @Override
    public synchronized List<HookInfo> hooks() throws FarmException {
        enter();
        return List.copyOf(hooks);
    }

    @Override
    public synchronized void installHook(String fileName, byte[] bundle) throws FarmException {
        enter();
        hooks.removeIf(hook -> fileName.equals(hook.bundle()));
        hooks.add(new HookInfo(fileName.replace(".jar", ""), fileName, "1.0.0", List.of("build-success"), Map.of(), 0,
                null, null));
    }

    @Override
    public synchronized void removeHook(String fileName) throws FarmException {
        enter();
        if (!hooks.removeIf(hook -> fileName.equals(hook.bundle()))) {
            throw new FarmException(Kind.NOT_FOUND, "no hook bundle " + fileName);
        }
    }

    @Override
    public List<SubmitResult> submit(List<Path> files, int priority, Map<String, String> tags) throws FarmException {
        enter();
        List<SubmitResult> outcomes = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString().replaceFirst("^[a-z0-9]{32}-", "").replace(".drv", "");
            BuildInfo build = addBuild(name, "x86_64-linux", BuildState.SCHEDULED, priority, tags, Instant.now(), null);
            outcomes.add(new SubmitResult(file.toString(), build.id(), SubmitOutcome.CREATED));
            emit(EventType.BUILD_SUBMITTED, build.id(), null);
        }
        return outcomes;
    }

    @Override
    public synchronized List<JobsetInfo> jobsets() throws FarmException {
        enterJobsets();
        return List.copyOf(jobsets.values());
    }

    @Override
    public synchronized JobsetInfo addJobset(JobsetInfo jobset) throws FarmException {
        enterJobsets();
        if (jobsets.containsKey(jobset.name())) {
            throw new FarmException(Kind.REJECTED, "conflict: a jobset named " + jobset.name() + " exists");
        }
        if (jobset.channels().isEmpty()) {
            throw new FarmException(Kind.REJECTED, "bad request: a jobset needs a channel");
        }
        return store(jobset);
    }

    @Override
    public synchronized JobsetInfo changeJobset(JobsetInfo jobset) throws FarmException {
        enterJobsets();
        found(jobsets.get(jobset.name()), jobset.name());
        return store(jobset);
    }

    @Override
    public synchronized void removeJobset(String name) throws FarmException {
        enterJobsets();
        found(jobsets.remove(name), name);
        evaluations.values().removeIf(e -> e.jobset().equals(name));
    }

    @Override
    public synchronized JobsetInfo setJobsetEnabled(String name, boolean enabled) throws FarmException {
        enterJobsets();
        JobsetInfo j = found(jobsets.get(name), name);
        JobsetInfo changed = new JobsetInfo(j.name(), j.channels(), j.evaluationCommand(), j.storeDir(), j.storeRoot(),
                j.periodSeconds(), j.priority(), j.tags(), enabled, j.maxBuildsPerEvaluation(), j.supersede());
        jobsets.put(name, changed);
        return changed;
    }

    @Override
    public synchronized void evaluate(String jobset) throws FarmException {
        enterJobsets();
        JobsetInfo evaluated = found(jobsets.get(jobset), jobset);
        long id = nextEvaluationId++;
        Map<String, String> commits = new TreeMap<>();
        evaluated.channels().forEach(channel -> commits.put(channel.name(), String.format("%040x", id)));
        evaluations.put(id, new EvaluationInfo(id, jobset, commits, Instant.now(), null, EvaluationStatus.RUNNING, 0, 0,
                "", null));
        evaluationLogs.put(id, "");
    }

    @Override
    public synchronized List<EvaluationInfo> evaluations(String jobset) throws FarmException {
        enterJobsets();
        found(jobsets.get(jobset), jobset);
        return new ArrayList<>(evaluations.values()).reversed().stream().filter(e -> e.jobset().equals(jobset))
                .map(e -> withSummary(e, null)).toList();
    }

    @Override
    public synchronized EvaluationInfo evaluation(long id) throws FarmException {
        enterJobsets();
        EvaluationInfo evaluation = evaluations.get(id);
        if (evaluation == null) {
            throw new FarmException(Kind.NOT_FOUND, "no evaluation " + id);
        }
        return evaluation.summary() != null ? evaluation
                : withSummary(evaluation, new EvaluationSummaryInfo(0, 0, 0, 0, 0));
    }

    @Override
    public synchronized String evaluationLog(long id) throws FarmException {
        evaluation(id);
        return evaluationLogs.get(id);
    }

    @Override
    public synchronized int cancelEvaluation(long id) throws FarmException {
        EvaluationInfo evaluation = evaluation(id);
        EvaluationSummaryInfo summary = evaluation.summary();
        evaluations.put(id, withSummary(evaluation, new EvaluationSummaryInfo(summary.succeeded(), summary.failed(), 0,
                summary.canceled() + summary.pending(), summary.newlyFailing())));
        return summary.pending();
    }

    @Override
    public Subscription events(long after, Backoff retry, EventStream.Listener listener) {
        Stream stream = new Stream(after, retry, listener);
        stream.attempt();
        return stream;
    }

    @Override
    public void close() {
        List.copyOf(streams).forEach(Stream::close);
    }

    /** An event stream as the client's behaves. */
    private final class Stream implements Subscription {

        private final Backoff retry;
        private final EventStream.Listener listener;
        private long last;
        private int failures;
        private volatile boolean closed;
        private AutoCloseable pending;

        Stream(long after, Backoff retry, EventStream.Listener listener) {
            this.last = after;
            this.retry = retry;
            this.listener = listener;
        }

        void attempt() {
            if (closed) {
                return;
            }
            attempts.incrementAndGet();
            try {
                enter();
            } catch (FarmException e) {
                if (e.kind() == Kind.WRONG_TOKEN) {
                    listener.onRefused(new KilnApiException(401, new ErrorAnswer("unauthorized", e.getMessage())));
                } else {
                    disconnected(new CoordinatorUnreachableException(coordinator, e.getMessage(), e));
                }
                return;
            }
            synchronized (FakeFarm.this) {
                subscribedAfter.add(last);
            }
            failures = 0;
            streams.add(this);
            listener.onConnected();
        }

        void deliver(EventInfo event) {
            if (!closed && event.id() > last) {
                last = event.id();
                listener.onEvent(event);
            }
        }

        void disconnected(IOException cause) {
            streams.remove(this);
            if (closed) {
                return;
            }
            Duration wait = retry.delay(failures++);
            listener.onDisconnected(cause, wait);
            if (scheduler != null) {
                pending = scheduler.schedule(this::attempt, wait);
            }
        }

        @Override
        public void close() {
            closed = true;
            streams.remove(this);
            if (pending != null) {
                try {
                    pending.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void enter() throws FarmException {
        calls.incrementAndGet();
        Duration wait = delay;
        if (!wait.isZero()) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FarmException(Kind.COORDINATOR_DOWN, "interrupted");
            }
        }
        if (down) {
            throw new FarmException(Kind.COORDINATOR_DOWN, "connection refused");
        }
        if (!Objects.equals(acceptedToken, givenToken)) {
            throw new FarmException(Kind.WRONG_TOKEN, "401: the token is not valid");
        }
    }

    private void enterJobsets() throws FarmException {
        enter();
        if (!jobsetsRunning) {
            throw new FarmException(Kind.UNAVAILABLE, "unavailable: jobsets are not running on this coordinator");
        }
    }

    /** Keeps the jobset as the coordinator does, with its default limit when none is given. */
    private JobsetInfo store(JobsetInfo jobset) {
        JobsetInfo stored = new JobsetInfo(jobset.name(), jobset.channels(), jobset.evaluationCommand(), jobset.storeDir(),
                jobset.storeRoot(), jobset.periodSeconds(), jobset.priority(), jobset.tags(), jobset.enabled(),
                jobset.maxBuildsPerEvaluation() == null ? 100_000 : jobset.maxBuildsPerEvaluation(),
                jobset.supersede());
        jobsets.put(stored.name(), stored);
        return stored;
    }

    private static <T> T found(T thing, Object id) throws FarmException {
        if (thing == null) {
            throw new FarmException(Kind.NOT_FOUND, "no such id: " + id);
        }
        return thing;
    }

    private static EvaluationInfo withSummary(EvaluationInfo e, EvaluationSummaryInfo summary) {
        return new EvaluationInfo(e.id(), e.jobset(), e.commits(), e.startedAt(), e.finishedAt(), e.status(),
                e.derivationsFound(), e.buildsSubmitted(), e.error(), summary);
    }

    private static BuildInfo with(BuildInfo b, BuildState state, int priority, Instant finishedAt) {
        return new BuildInfo(b.id(), state, b.derivation(), b.system(), priority, b.tags(), b.requiredAgentTags(),
                b.agent(), b.createdAt(), b.startedAt(), state.isFinal() ? finishedAt : null, b.setupFailures(),
                b.deferUntil(), b.outputs());
    }
}
