package dev.kiln.desktop.model.tests.fake;

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
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.kiln.desktop.model.Agent;
import dev.kiln.desktop.model.AgentCredentials;
import dev.kiln.desktop.model.AgentPlan;
import dev.kiln.desktop.model.AgentStatus;
import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.BuildFilter;
import dev.kiln.desktop.model.BuildOutput;
import dev.kiln.desktop.model.BuildPage;
import dev.kiln.desktop.model.BuildSort;
import dev.kiln.desktop.model.BuildState;
import dev.kiln.desktop.model.Derivation;
import dev.kiln.desktop.model.Evaluation;
import dev.kiln.desktop.model.EvaluationStatus;
import dev.kiln.desktop.model.EvaluationSummary;
import dev.kiln.desktop.model.EventListener;
import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmEvent;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.FarmException.Kind;
import dev.kiln.desktop.model.HeldBuild;
import dev.kiln.desktop.model.Hook;
import dev.kiln.desktop.model.Jobset;
import dev.kiln.desktop.model.LogListener;
import dev.kiln.desktop.model.NewAgent;
import dev.kiln.desktop.model.PlannedBuild;
import dev.kiln.desktop.model.SubmitOutcome;
import dev.kiln.desktop.model.Subscription;

/**
 * A coordinator in memory, behaving as the client API says: newest-first cursor paging, the state rules of cancel and
 * retry, agents with passwords, an event stream and followed logs. Tests can take it down, make it refuse the token,
 * slow it down and drop its streams. Thread-safe.
 */
public final class FakeFarm implements FarmConnection {

    private final URI coordinator;
    private final String acceptedToken;
    private final String givenToken;
    private final LinkedHashMap<UUID, Build> builds = new LinkedHashMap<>();
    private final LinkedHashMap<UUID, Agent> agents = new LinkedHashMap<>();
    private final List<Hook> hooks = new ArrayList<>();
    private final TreeMap<String, Jobset> jobsets = new TreeMap<>();
    /** Every evaluation by id, in the order they started. */
    private final LinkedHashMap<Long, Evaluation> evaluations = new LinkedHashMap<>();
    private final Map<Long, String> evaluationLogs = new LinkedHashMap<>();
    private final Map<UUID, StringBuilder> logs = new LinkedHashMap<>();
    private final List<EventListener> streams = new CopyOnWriteArrayList<>();
    private final Map<UUID, List<LogListener>> followers = new LinkedHashMap<>();
    private final List<Long> subscribedAfter = new ArrayList<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger listings = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean jobsetsRunning = true;
    private volatile Duration delay = Duration.ZERO;
    private long nextEventId = 1;
    private int passwords;
    private long nextEvaluationId = 1;

    /** A coordinator that accepts {@code acceptedToken}, reached with {@code givenToken}. */
    public FakeFarm(URI coordinator, String acceptedToken, String givenToken) {
        this.coordinator = coordinator;
        this.acceptedToken = acceptedToken;
        this.givenToken = givenToken;
    }

    public FakeFarm() {
        this(URI.create("http://127.0.0.1:8746"), "", "");
    }

    // ---- what tests set up and observe

    public void setDown(boolean isDown) {
        down = isDown;
    }

    /** Every call waits this long first, as a slow coordinator would. */
    public void setDelay(Duration callDelay) {
        delay = callDelay;
    }

    public int probes() {
        return probes.get();
    }

    /** How many pages of builds were asked for. */
    public int listings() {
        return listings.get();
    }

    /** Gives a build to an agent, which then holds it; the build is started. */
    public void hold(UUID agent, UUID build) {
        synchronized (this) {
            Build b = builds.get(build);
            builds.put(build, new Build(b.id(), BuildState.STARTED, b.derivation(), b.system(), b.priority(), b.tags(),
                    b.requiredAgentTags(), agent, b.createdAt(), Instant.now(), null, b.setupFailures(), b.deferUntil(),
                    b.outputs()));
        }
        emit("build-started", build, agent);
    }

    /** How many calls were made, probes and streams included. */
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
    public synchronized Build addBuild(String name, String system, BuildState state, int priority,
            Map<String, String> tags, Instant createdAt, Instant finishedAt) {
        UUID id = new UUID(0x4b494c4eL, builds.size() + 1L);
        String hash = String.format("%032d", builds.size() + 1).replace('0', 'a');
        String drv = "/nix/store/" + hash + "-" + name + ".drv";
        String out = "/nix/store/" + hash.replace('a', 'b') + "-" + name;
        List<BuildOutput> outputs = List.of(state == BuildState.SUCCEEDED
                ? new BuildOutput("out", out, "sha256:" + hash, 1024L * (builds.size() + 1), List.of(out))
                : new BuildOutput("out", out, null, 0, List.of()));
        Build build = new Build(id, state, drv, system, priority, tags, Map.of(), null, createdAt,
                state.isPending() && state != BuildState.STARTED ? null : createdAt.plusSeconds(1),
                state.isFinal() ? finishedAt : null, 0, null, outputs);
        builds.put(id, build);
        logs.put(id, new StringBuilder(state == BuildState.SCHEDULED ? "" : "building " + name + "\n"));
        return build;
    }

    public synchronized Agent addAgent(String name, AgentStatus status, List<String> systems, Instant lastSeen) {
        UUID id = new UUID(0x4147454eL, agents.size() + 1L);
        Agent agent = new Agent(id, name, "", new TreeSet<>(systems), new TreeMap<>(), status != AgentStatus.INACTIVE,
                lastSeen, status, status == AgentStatus.ONLINE ? 0.5 : Double.NaN, List.of());
        agents.put(id, agent);
        return agent;
    }

    public synchronized void addHook(Hook hook) {
        hooks.add(hook);
    }

    /** Whether the coordinator runs jobsets; without, it answers their requests 503 unavailable. */
    public void setJobsetsRunning(boolean running) {
        jobsetsRunning = running;
    }

    /** The jobset as the coordinator holds it, or {@code null}. */
    public synchronized Jobset jobset(String name) {
        return jobsets.get(name);
    }

    /** Ends the jobset's running evaluation as the evaluator would, with a summary of its builds. */
    public synchronized Evaluation finishEvaluation(String jobset, EvaluationStatus status, EvaluationSummary summary,
            String log) {
        Evaluation running = evaluations.values().stream()
                .filter(e -> e.jobset().equals(jobset) && e.status() == EvaluationStatus.RUNNING)
                .findFirst().orElseThrow(() -> new IllegalStateException("no evaluation of " + jobset + " runs"));
        int builds = summary.succeeded() + summary.failed() + summary.pending() + summary.canceled();
        Evaluation finished = new Evaluation(running.id(), jobset, running.commits(), running.startedAt(),
                running.startedAt().plusSeconds(3), status, builds, builds,
                status == EvaluationStatus.FAILED ? "the command exited with 1" : "", summary);
        evaluations.put(running.id(), finished);
        evaluationLogs.put(running.id(), log);
        return finished;
    }

    public synchronized Build get(UUID id) {
        return builds.get(id);
    }

    /** Changes a build's state as the coordinator would, and sends the event. */
    public void transition(UUID id, BuildState state, Instant at) {
        String type;
        synchronized (this) {
            Build old = builds.get(id);
            builds.put(id, with(old, state, old.priority(), at));
            type = "build-" + switch (state) {
                case SUCCEEDED -> "success";
                case FAILED -> "failure";
                case CANCELED -> "canceled";
                default -> state.id();
            };
        }
        emit(type, id, null);
    }

    /** Sends an event to every open stream. */
    public void emit(String type, UUID build, UUID agent) {
        FarmEvent event;
        synchronized (this) {
            event = new FarmEvent(nextEventId++, type, Instant.now(), build, agent, Map.of());
        }
        for (EventListener stream : streams) {
            stream.onEvent(event);
        }
    }

    /** Ends every open stream as a coordinator going away would. */
    public void dropStreams() {
        List<EventListener> dropped = List.copyOf(streams);
        streams.clear();
        for (EventListener stream : dropped) {
            stream.onClosed(new FarmException(Kind.COORDINATOR_DOWN, "connection reset"));
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
    public void probe() throws FarmException {
        probes.incrementAndGet();
        enter();
    }

    @Override
    public BuildPage listBuilds(BuildFilter filter, BuildSort sort, boolean ascending, String cursor, int limit)
            throws FarmException {
        enter();
        listings.incrementAndGet();
        synchronized (this) {
            Comparator<Build> order = switch (sort) {
                case SUBMITTED -> Comparator.comparing(b -> 0);
                case PRIORITY -> Comparator.comparingInt(Build::priority);
                case STATE -> Comparator.comparing(b -> b.state().id());
                case SYSTEM -> Comparator.comparing(Build::system);
                case DERIVATION -> Comparator.comparing(Build::derivation);
            };
            // Equal builds stay in submission order, in the same direction, as the coordinator keeps them.
            Map<UUID, Integer> sequence = new HashMap<>();
            builds.keySet().forEach(id -> sequence.put(id, sequence.size()));
            Comparator<Build> total = order.thenComparing(b -> sequence.get(b.id()));
            List<Build> listed = builds.values().stream()
                    .filter(b -> filter.states().isEmpty() || filter.states().contains(b.state()))
                    .filter(b -> filter.system() == null || filter.system().equals(b.system()))
                    .filter(b -> filter.tag() == null || filter.tag().equals(b.tags().entrySet().stream()
                            .map(tag -> tag.getKey() + "=" + tag.getValue()).filter(filter.tag()::equals)
                            .findFirst().orElse(null)))
                    .sorted(ascending ? total : total.reversed())
                    .toList();
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            int to = Math.min(listed.size(), from + limit);
            return new BuildPage(listed.subList(from, to), to < listed.size() ? String.valueOf(to) : null,
                    cursor == null ? listed.size() : -1);
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
    public Build tag(UUID id, Map<String, String> set, List<String> remove) throws FarmException {
        enter();
        Build tagged;
        synchronized (this) {
            Build b = found(builds.get(id), id);
            Map<String, String> tags = new TreeMap<>(b.tags());
            tags.putAll(set);
            remove.forEach(tags::remove);
            tagged = new Build(b.id(), b.state(), b.derivation(), b.system(), b.priority(), tags, b.requiredAgentTags(),
                    b.agent(), b.createdAt(), b.startedAt(), b.finishedAt(), b.setupFailures(), b.deferUntil(),
                    b.outputs());
            builds.put(id, tagged);
        }
        emit("build-tagged", id, null);
        return tagged;
    }

    @Override
    public synchronized Build build(UUID id) throws FarmException {
        enter();
        return found(builds.get(id), id);
    }

    @Override
    public Derivation derivation(String path) throws FarmException {
        enter();
        String name = path.substring(path.indexOf('-') + 1, path.length() - ".drv".length());
        String out = path.replace(".drv", "").replace("/nix/store/", "/nix/store/out-");
        return new Derivation(path, Map.of("out", out),
                Map.of("/nix/store/cccccccccccccccccccccccccccccccc-bash-5.2.drv", List.of("out")),
                List.of("/nix/store/dddddddddddddddddddddddddddddddd-builder.sh"), "x86_64-linux", "/bin/sh",
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
    public Build cancel(UUID id) throws FarmException {
        enter();
        Build canceled;
        synchronized (this) {
            Build build = found(builds.get(id), id);
            if (!build.state().isPending() && build.state() != BuildState.DEPENDENCY_FAILED) {
                throw new FarmException(Kind.REJECTED, "build " + id + " is " + build.state() + ": it cannot be canceled");
            }
            canceled = with(build, BuildState.CANCELED, build.priority(), Instant.now());
            builds.put(id, canceled);
        }
        emit("build-canceled", id, null);
        return canceled;
    }

    @Override
    public Build retry(UUID id) throws FarmException {
        enter();
        Build retried;
        synchronized (this) {
            Build build = found(builds.get(id), id);
            if (!build.state().isRetriable()) {
                throw new FarmException(Kind.REJECTED, "build " + id + " is " + build.state() + ": it cannot be retried");
            }
            retried = with(build, BuildState.SCHEDULED, build.priority(), null);
            builds.put(id, retried);
        }
        emit("build-retried", id, null);
        return retried;
    }

    @Override
    public Build setPriority(UUID id, int priority) throws FarmException {
        enter();
        Build changed;
        synchronized (this) {
            Build build = found(builds.get(id), id);
            changed = with(build, build.state(), priority, build.finishedAt());
            builds.put(id, changed);
        }
        emit("build-priority-changed", id, null);
        return changed;
    }

    @Override
    public synchronized List<Agent> agents() throws FarmException {
        enter();
        return agents.values().stream().map(agent -> new Agent(agent.id(), agent.name(), agent.description(),
                agent.systems(), agent.tags(), agent.active(), agent.lastSeen(), agent.status(), agent.load(),
                builds.values().stream().filter(b -> agent.id().equals(b.agent()) && (b.state() == BuildState.ALLOCATED
                        || b.state() == BuildState.STARTED))
                        .map(b -> new HeldBuild(b.id(), b.state(), b.derivation(), b.startedAt())).toList()))
                .toList();
    }

    @Override
    public synchronized AgentCredentials createAgent(NewAgent agent) throws FarmException {
        enter();
        if (agent.name().isBlank()) {
            throw new FarmException(Kind.REJECTED, "an agent needs a name");
        }
        UUID id = new UUID(0x4147454eL, agents.size() + 1L);
        agents.put(id, new Agent(id, agent.name(), agent.description(), new TreeSet<>(agent.systems()),
                new TreeMap<>(agent.tags()), true, null, AgentStatus.OFFLINE, Double.NaN, List.of()));
        return new AgentCredentials(id, "password-" + ++passwords);
    }

    @Override
    public synchronized AgentCredentials newPassword(UUID agent) throws FarmException {
        enter();
        found(agents.get(agent), agent);
        return new AgentCredentials(agent, "password-" + ++passwords);
    }

    @Override
    public synchronized Agent setActive(UUID id, boolean active) throws FarmException {
        enter();
        Agent agent = found(agents.get(id), id);
        Agent changed = new Agent(id, agent.name(), agent.description(), agent.systems(), agent.tags(), active,
                agent.lastSeen(), active ? AgentStatus.OFFLINE : AgentStatus.INACTIVE, agent.load(), List.of());
        agents.put(id, changed);
        return changed;
    }

    @Override
    public synchronized List<AgentPlan> plan() throws FarmException {
        enter();
        List<AgentPlan> plan = new ArrayList<>();
        for (Agent agent : agents.values()) {
            if (agent.status() == AgentStatus.ONLINE) {
                plan.add(new AgentPlan(agent.id(), builds.values().stream()
                        .filter(b -> b.state() == BuildState.SCHEDULED && agent.systems().contains(b.system()))
                        .map(b -> new PlannedBuild(b.id(), b.derivation(), b.priority()))
                        .limit(100).toList()));
            }
        }
        return plan;
    }

    @Override
    public synchronized List<Hook> hooks() throws FarmException {
        enter();
        return List.copyOf(hooks);
    }

    @Override
    public synchronized void installHook(String fileName, byte[] bundle) throws FarmException {
        enter();
        hooks.removeIf(hook -> hook.bundle().equals(fileName));
        hooks.add(new Hook(fileName.replace(".jar", ""), fileName, List.of("build-success"), 0, 0, ""));
    }

    @Override
    public synchronized void removeHook(String fileName) throws FarmException {
        enter();
        if (!hooks.removeIf(hook -> hook.bundle().equals(fileName))) {
            throw new FarmException(Kind.NOT_FOUND, "no hook bundle " + fileName);
        }
    }

    @Override
    public List<SubmitOutcome> submit(List<Path> files, int priority, Map<String, String> tags) throws FarmException {
        enter();
        List<SubmitOutcome> outcomes = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString().replaceFirst("^[a-z0-9]{32}-", "").replace(".drv", "");
            Build build = addBuild(name, "x86_64-linux", BuildState.SCHEDULED, priority, tags, Instant.now(), null);
            outcomes.add(new SubmitOutcome(file.toString(), build.id(), "created"));
            emit("build-submitted", build.id(), null);
        }
        return outcomes;
    }

    @Override
    public synchronized List<Jobset> jobsets() throws FarmException {
        enterJobsets();
        return List.copyOf(jobsets.values());
    }

    @Override
    public synchronized Jobset addJobset(Jobset jobset) throws FarmException {
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
    public synchronized Jobset changeJobset(Jobset jobset) throws FarmException {
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
    public synchronized Jobset setJobsetEnabled(String name, boolean enabled) throws FarmException {
        enterJobsets();
        Jobset changed = found(jobsets.get(name), name).withEnabled(enabled);
        jobsets.put(name, changed);
        return changed;
    }

    @Override
    public synchronized void evaluate(String jobset) throws FarmException {
        enterJobsets();
        Jobset evaluated = found(jobsets.get(jobset), jobset);
        long id = nextEvaluationId++;
        Map<String, String> commits = new TreeMap<>();
        evaluated.channels().forEach(channel -> commits.put(channel.name(), String.format("%040x", id)));
        evaluations.put(id, new Evaluation(id, jobset, commits, Instant.now(), null, EvaluationStatus.RUNNING, 0, 0,
                "", null));
        evaluationLogs.put(id, "");
    }

    @Override
    public synchronized List<Evaluation> evaluations(String jobset) throws FarmException {
        enterJobsets();
        found(jobsets.get(jobset), jobset);
        return new ArrayList<>(evaluations.values()).reversed().stream().filter(e -> e.jobset().equals(jobset))
                .map(e -> e.withSummary(null)).toList();
    }

    @Override
    public synchronized Evaluation evaluation(long id) throws FarmException {
        enterJobsets();
        Evaluation evaluation = evaluations.get(id);
        if (evaluation == null) {
            throw new FarmException(Kind.NOT_FOUND, "no evaluation " + id);
        }
        return evaluation.summary() != null ? evaluation
                : evaluation.withSummary(new EvaluationSummary(0, 0, 0, 0, 0));
    }

    @Override
    public synchronized String evaluationLog(long id) throws FarmException {
        evaluation(id);
        return evaluationLogs.get(id);
    }

    @Override
    public synchronized int cancelEvaluation(long id) throws FarmException {
        Evaluation evaluation = evaluation(id);
        EvaluationSummary summary = evaluation.summary();
        evaluations.put(id, evaluation.withSummary(new EvaluationSummary(summary.succeeded(), summary.failed(), 0,
                summary.canceled() + summary.pending(), summary.newlyFailing())));
        return summary.pending();
    }

    @Override
    public Subscription subscribe(long lastEventId, EventListener listener) throws FarmException {
        enter();
        synchronized (this) {
            subscribedAfter.add(lastEventId);
        }
        streams.add(listener);
        return () -> streams.remove(listener);
    }

    @Override
    public void close() {
        streams.clear();
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
    private Jobset store(Jobset jobset) {
        Jobset stored = new Jobset(jobset.name(), jobset.channels(), jobset.evaluationCommand(), jobset.storeDir(),
                jobset.storeRoot(), jobset.period(), jobset.priority(), jobset.tags(), jobset.enabled(),
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

    private static Build with(Build b, BuildState state, int priority, Instant finishedAt) {
        return new Build(b.id(), state, b.derivation(), b.system(), priority, b.tags(), b.requiredAgentTags(),
                b.agent(), b.createdAt(), b.startedAt(), state.isFinal() ? finishedAt : null, b.setupFailures(),
                b.deferUntil(), b.outputs());
    }
}
