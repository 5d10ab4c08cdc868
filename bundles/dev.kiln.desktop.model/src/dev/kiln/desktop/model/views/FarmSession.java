package dev.kiln.desktop.model.views;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.client.Backoff;
import dev.kiln.client.EventStream;
import dev.kiln.client.KilnApiException;
import dev.kiln.desktop.model.BuildFilter;
import dev.kiln.desktop.model.ClientConnection;
import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.Subscription;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.AgentPlanInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;
import dev.kiln.protocol.HookInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.SubmitResult;

/**
 * The desktop's live view of one coordinator. It follows the event stream, which opens again with back-off after
 * each drop and resumes after the last event seen; each time the stream opens it counts the builds by state, lists
 * the most recent ones (for the throughput chart and the text search) and reads agents, plan, hooks and jobsets, then
 * keeps them current through the events. A call that finds the coordinator down opens the stream again; a refused
 * token stops it until {@link #reconnect()}.
 *
 * <p>Thread-safe. Every network call runs on the {@link Scheduler}; listeners hear changes on its threads.
 */
public final class FarmSession implements AutoCloseable {

    /** Builds asked for per page when listing. */
    public static final int PAGE_SIZE = 1000;
    /** How many pages of the most recent builds are kept: the rest is asked for page by page as it is shown. */
    public static final int RECENT_PAGES = 5;
    /** How many builds the session keeps at most: the newest, those listed and those events changed. */
    public static final int RECENT_BUILDS = 2 * RECENT_PAGES * PAGE_SIZE;
    static final Duration EVENT_COALESCING = Duration.ofMillis(250);
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(10);
    /** How often jobsets are read again while one of them is evaluating or about to. */
    static final Duration EVALUATION_POLL = Duration.ofSeconds(1);
    /** How long an evaluation asked for is waited for before polling gives up on it. */
    static final Duration EVALUATION_AWAITED = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(FarmSession.class);
    private static final Set<EventType> AGENT_EVENTS = EnumSet.of(EventType.AGENT_CREATED, EventType.AGENT_CHANGED,
            EventType.AGENT_LOST);

    private final String token;
    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final BuildStore builds = new BuildStore();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final Set<UUID> changedBuilds = new HashSet<>();
    private final Coalescer buildRefresh;
    private final Coalescer agentsRefresh;
    private final Coalescer planRefresh;
    private final Coalescer evaluationPoll;
    /** Jobsets asked to evaluate, with the id of their latest evaluation then (-1 for none) and until when. */
    private final Map<String, AwaitedEvaluation> awaitedEvaluations = new ConcurrentHashMap<>();

    private volatile ConnectionStatus status = new ConnectionStatus(ConnectionState.CONNECTING, "", null);
    private volatile Map<BuildState, Long> buildCounts = Map.of();
    private volatile List<AgentInfo> agents = List.of();
    private volatile List<AgentPlanInfo> plan = List.of();
    private volatile List<HookInfo> hooks = List.of();
    private volatile List<JobsetRow> jobsets = List.of();
    private volatile String jobsetsProblem = "";
    private volatile boolean buildsListed;
    private volatile long lastEventId = -1;

    /** Guarded by lock: bumped whenever the current attempt is abandoned, so that its late callbacks are ignored. */
    private int generation;
    private Subscription events;

    public FarmSession(FarmConnection connection, String token, Scheduler scheduler, Backoff backoff) {
        this.connection = connection;
        this.token = token == null ? "" : token;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.buildRefresh = new Coalescer(scheduler, EVENT_COALESCING, this::refreshChangedBuilds);
        this.agentsRefresh = new Coalescer(scheduler, EVENT_COALESCING, () -> refresh(Topic.AGENTS));
        this.planRefresh = new Coalescer(scheduler, EVENT_COALESCING, () -> refresh(Topic.PLAN));
        this.evaluationPoll = new Coalescer(scheduler, EVALUATION_POLL, () -> {
            if (status.state() == ConnectionState.CONNECTED) {
                refresh(Topic.JOBSETS);
            }
        });
    }

    public URI coordinator() {
        return connection.coordinator();
    }

    public String token() {
        return token;
    }

    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    public void removeListener(SessionListener listener) {
        listeners.remove(listener);
    }

    public ConnectionStatus status() {
        return status;
    }

    public BuildStore builds() {
        return builds;
    }

    /** Whether the first listing of recent builds arrived (an empty store before that means "loading"). */
    public boolean buildsListed() {
        return buildsListed;
    }

    /** How many builds the coordinator holds in each state; empty until counted. */
    public Map<BuildState, Long> buildCounts() {
        return buildCounts;
    }

    /** How many builds the coordinator holds, or -1 until counted. */
    public long totalBuilds() {
        Map<BuildState, Long> counts = buildCounts;
        return counts.isEmpty() ? -1 : counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public List<AgentInfo> agents() {
        return agents;
    }

    public List<AgentPlanInfo> plan() {
        return plan;
    }

    public List<HookInfo> hooks() {
        return hooks;
    }

    /** The jobsets by name, each with its latest evaluation. */
    public List<JobsetRow> jobsets() {
        return jobsets;
    }

    /** Why the coordinator shows no jobsets (it runs without them), or empty. */
    public String jobsetsProblem() {
        return jobsetsProblem;
    }

    /** Starts connecting. */
    public void start() {
        reconnect();
    }

    /** Drops the current attempt or stream and connects again at once, forgetting the back-off. */
    public void reconnect() {
        int attempt;
        synchronized (lock) {
            if (status.state() == ConnectionState.CLOSED) {
                return;
            }
            attempt = abandonCurrent();
            status = new ConnectionStatus(ConnectionState.CONNECTING, "", null);
        }
        fire(Topic.STATUS);
        follow(attempt);
    }

    @Override
    public void close() {
        synchronized (lock) {
            abandonCurrent();
            status = new ConnectionStatus(ConnectionState.CLOSED, "", null);
        }
        connection.close();
        fire(Topic.STATUS);
    }

    /** Runs a call on the scheduler; a coordinator found down or refusing the token changes the session's state. */
    public <T> CompletableFuture<T> call(FarmCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        int attempt = currentGeneration();
        scheduler.execute(() -> {
            try {
                result.complete(call.call());
            } catch (FarmException e) {
                if (isConnectionProblem(e)) {
                    connectionFailed(attempt, e);
                }
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    public CompletableFuture<ActionResult> cancel(Collection<UUID> ids) {
        return onEachBuild(ids, connection::cancel);
    }

    public CompletableFuture<ActionResult> retry(Collection<UUID> ids) {
        return onEachBuild(ids, connection::retry);
    }

    public CompletableFuture<ActionResult> setPriority(Collection<UUID> ids, int priority) {
        return onEachBuild(ids, id -> connection.setPriority(id, priority));
    }

    /** Sets the tags {@code set} on each build and removes the keys {@code remove}. */
    public CompletableFuture<ActionResult> tag(Collection<UUID> ids, Map<String, String> set, List<String> remove) {
        return onEachBuild(ids, id -> connection.tag(id, set, remove));
    }

    public CompletableFuture<AgentPassword> createAgent(NewAgentBody agent) {
        return call(() -> {
            AgentPassword credentials = connection.createAgent(agent);
            refresh(Topic.AGENTS);
            return credentials;
        });
    }

    public CompletableFuture<AgentPassword> newPassword(UUID agent) {
        return call(() -> connection.newPassword(agent));
    }

    public CompletableFuture<ActionResult> setActive(Collection<UUID> ids, boolean active) {
        return call(() -> {
            ActionResult result = onEach(ids, id -> connection.setActive(id, active));
            refresh(Topic.AGENTS);
            return result;
        });
    }

    public CompletableFuture<Void> installHook(String fileName, byte[] bundle) {
        return call(() -> {
            connection.installHook(fileName, bundle);
            refresh(Topic.HOOKS);
            return null;
        });
    }

    public CompletableFuture<Void> removeHook(String fileName) {
        return call(() -> {
            connection.removeHook(fileName);
            refresh(Topic.HOOKS);
            return null;
        });
    }

    public CompletableFuture<List<SubmitResult>> submit(List<Path> files, int priority, Map<String, String> tags) {
        return call(() -> connection.submit(files, priority, tags));
    }

    public CompletableFuture<JobsetInfo> addJobset(JobsetInfo jobset) {
        return onJobsets(() -> connection.addJobset(jobset));
    }

    public CompletableFuture<JobsetInfo> changeJobset(JobsetInfo jobset) {
        return onJobsets(() -> connection.changeJobset(jobset));
    }

    public CompletableFuture<JobsetInfo> setJobsetEnabled(String name, boolean enabled) {
        return onJobsets(() -> connection.setJobsetEnabled(name, enabled));
    }

    public CompletableFuture<Void> removeJobset(String name) {
        return onJobsets(() -> {
            connection.removeJobset(name);
            return null;
        });
    }

    /** Asks for an evaluation now, and reads the jobsets often until it has run. */
    public CompletableFuture<Void> evaluate(String jobset) {
        return onJobsets(() -> {
            long latest = jobsets.stream().filter(row -> row.name().equals(jobset) && row.lastEvaluation() != null)
                    .mapToLong(row -> row.lastEvaluation().id()).findFirst().orElse(-1);
            connection.evaluate(jobset);
            awaitedEvaluations.put(jobset, new AwaitedEvaluation(latest, scheduler.now().plus(EVALUATION_AWAITED)));
            return null;
        });
    }

    /** Cancels the pending builds of an evaluation; completes with how many. */
    public CompletableFuture<Integer> cancelEvaluation(long id) {
        return onJobsets(() -> connection.cancelEvaluation(id));
    }

    /** Reads agents, the plan, the hooks and the jobsets again. */
    public void refreshAll() {
        scheduler.execute(this::refreshParts);
    }

    /** The connection, for reads that are not part of the session's state (details, logs). */
    public FarmConnection connection() {
        return connection;
    }

    /** Runs a change to jobsets, then reads them again. */
    private <T> CompletableFuture<T> onJobsets(FarmCall<T> change) {
        return call(() -> {
            T result = change.call();
            refresh(Topic.JOBSETS);
            return result;
        });
    }

    private CompletableFuture<ActionResult> onEachBuild(Collection<UUID> ids, ItemAction<BuildInfo> action) {
        return call(() -> onEach(ids, id -> {
            BuildInfo changed = action.apply(id);
            builds.put(changed);
            return changed;
        })).whenComplete((result, failure) -> {
            countBuilds();
            fire(Topic.BUILDS);
        });
    }

    private static ActionResult onEach(Collection<UUID> ids, ItemAction<?> action) throws FarmException {
        int succeeded = 0;
        List<String> failures = new ArrayList<>();
        for (UUID id : ids) {
            try {
                action.apply(id);
                succeeded++;
            } catch (FarmException e) {
                if (isConnectionProblem(e)) {
                    throw e;
                }
                failures.add(id + ": " + e.getMessage());
            }
        }
        return new ActionResult(succeeded, failures);
    }

    @FunctionalInterface
    private interface ItemAction<T> {
        T apply(UUID id) throws FarmException;
    }

    /** Opens the event stream of this attempt; it says when it is open, broken or refused. */
    private void follow(int attempt) {
        Subscription subscription = connection.events(lastEventId, backoff, new StreamListener(attempt));
        synchronized (lock) {
            if (generation == attempt) {
                events = subscription;
                return;
            }
        }
        subscription.close();
    }

    /** The stream is open: reads everything the events keep current from now on. */
    private void connected(int attempt) {
        synchronized (lock) {
            if (generation != attempt) {
                return;
            }
            status = new ConnectionStatus(ConnectionState.CONNECTED, "", null);
        }
        fire(Topic.STATUS);
        scheduler.execute(() -> {
            try {
                refreshParts();
                listRecentBuilds(attempt);
                schedulePeriodicRefresh(attempt);
            } catch (FarmException e) {
                connectionFailed(attempt, e);
            }
        });
    }

    /** The stream broke or could not be opened; it opens again by itself after {@code retryIn}. */
    private void disconnected(int attempt, FarmException failure, Duration retryIn) {
        synchronized (lock) {
            if (generation != attempt) {
                return;
            }
            status = new ConnectionStatus(ConnectionState.COORDINATOR_DOWN, failure.getMessage(),
                    scheduler.now().plus(retryIn));
        }
        LOG.info("Connection to {} lost: {}", connection.coordinator(), failure.getMessage());
        fire(Topic.STATUS);
    }

    private void listRecentBuilds(int attempt) throws FarmException {
        builds.beginListing();
        String cursor = null;
        for (int page = 0; page < RECENT_PAGES && currentGeneration() == attempt; page++) {
            BuildList listed = connection.listBuilds(BuildFilter.ALL, cursor, PAGE_SIZE);
            builds.putListed(listed.builds());
            cursor = listed.next();
            if (cursor == null) {
                break;
            }
            fire(Topic.BUILDS);
        }
        buildsListed = true;
        builds.retainNewest(RECENT_BUILDS);
        fire(Topic.BUILDS);
    }

    private void schedulePeriodicRefresh(int attempt) {
        scheduler.schedule(() -> {
            if (currentGeneration() == attempt && status.state() == ConnectionState.CONNECTED) {
                refreshParts();
                schedulePeriodicRefresh(attempt);
            }
        }, REFRESH_INTERVAL);
    }

    /** Counts the builds by state; a failure leaves the last counts, and the next event or refresh counts again. */
    private void countBuilds() {
        try {
            buildCounts = Map.copyOf(connection.countBuilds());
        } catch (FarmException e) {
            LOG.warn("Cannot count the builds of {}: {}", connection.coordinator(), e.getMessage());
        }
    }

    private void refreshParts() {
        countBuilds();
        refresh(Topic.AGENTS);
        refresh(Topic.PLAN);
        refresh(Topic.HOOKS);
        refresh(Topic.JOBSETS);
    }

    private void refresh(Topic topic) {
        int attempt = currentGeneration();
        try {
            switch (topic) {
                case AGENTS -> agents = List.copyOf(connection.agents());
                case PLAN -> plan = List.copyOf(connection.plan());
                case HOOKS -> hooks = List.copyOf(connection.hooks());
                case JOBSETS -> refreshJobsets();
                default -> throw new IllegalArgumentException("not refreshed on its own: " + topic);
            }
            fire(topic);
        } catch (FarmException e) {
            if (isConnectionProblem(e)) {
                connectionFailed(attempt, e);
            } else {
                LOG.warn("Cannot read {} from {}: {}", topic, connection.coordinator(), e.getMessage());
            }
        }
    }

    private void refreshJobsets() throws FarmException {
        List<JobsetInfo> listed;
        try {
            listed = connection.jobsets();
        } catch (FarmException e) {
            if (e.kind() != FarmException.Kind.UNAVAILABLE) {
                throw e;
            }
            jobsets = List.of();
            jobsetsProblem = e.getMessage();
            return;
        }
        List<JobsetRow> rows = new ArrayList<>();
        for (JobsetInfo jobset : listed) {
            List<EvaluationInfo> evaluations = connection.evaluations(jobset.name());
            rows.add(new JobsetRow(jobset, evaluations.isEmpty() ? null : evaluations.get(0)));
        }
        rows.sort(Comparator.comparing(JobsetRow::name));
        jobsets = List.copyOf(rows);
        jobsetsProblem = "";
        Instant now = scheduler.now();
        awaitedEvaluations.entrySet().removeIf(awaited -> now.isAfter(awaited.getValue().until())
                || rows.stream().noneMatch(row -> row.name().equals(awaited.getKey()))
                || rows.stream().anyMatch(row -> row.name().equals(awaited.getKey()) && row.lastEvaluation() != null
                        && row.lastEvaluation().id() != awaited.getValue().latestBefore() && !row.evaluating()));
        if (!awaitedEvaluations.isEmpty() || rows.stream().anyMatch(JobsetRow::evaluating)) {
            evaluationPoll.request();
        }
    }

    /** An evaluation asked for and not yet seen finished. */
    private record AwaitedEvaluation(long latestBefore, Instant until) {
    }

    private void refreshChangedBuilds() {
        List<UUID> changed;
        synchronized (changedBuilds) {
            changed = new ArrayList<>(changedBuilds);
            changedBuilds.clear();
        }
        int attempt = currentGeneration();
        for (UUID id : changed) {
            try {
                builds.put(connection.build(id));
            } catch (FarmException e) {
                if (e.kind() != FarmException.Kind.NOT_FOUND) {
                    connectionFailed(attempt, e);
                    return;
                }
            }
        }
        builds.retainNewest(RECENT_BUILDS);
        countBuilds();
        fire(Topic.BUILDS);
    }

    private void onEvent(int attempt, EventInfo event) {
        if (currentGeneration() != attempt) {
            return;
        }
        lastEventId = Math.max(lastEventId, event.id());
        if (event.build() != null) {
            synchronized (changedBuilds) {
                changedBuilds.add(event.build());
            }
            buildRefresh.request();
            planRefresh.request();
        }
        if (event.agent() != null || AGENT_EVENTS.contains(event.type())) {
            agentsRefresh.request();
        }
    }

    /**
     * A call found the coordinator down or refusing the token: the stream of this attempt is dropped, and unless the
     * token was refused a new one is opened, which says when the coordinator is back.
     */
    private void connectionFailed(int attempt, FarmException failure) {
        int next;
        synchronized (lock) {
            if (generation != attempt || status.state() == ConnectionState.CLOSED) {
                return;
            }
            next = abandonCurrent();
            status = failure.kind() == FarmException.Kind.WRONG_TOKEN
                    ? new ConnectionStatus(ConnectionState.WRONG_TOKEN, failure.getMessage(), null)
                    : new ConnectionStatus(ConnectionState.COORDINATOR_DOWN, failure.getMessage(), null);
        }
        LOG.info("Connection to {} lost: {}", connection.coordinator(), failure.getMessage());
        fire(Topic.STATUS);
        if (failure.kind() != FarmException.Kind.WRONG_TOKEN) {
            follow(next);
        }
    }

    /** The coordinator refused the stream: nothing is tried again until {@link #reconnect()}. */
    private void refused(int attempt, FarmException failure) {
        synchronized (lock) {
            if (generation != attempt || status.state() == ConnectionState.CLOSED) {
                return;
            }
            abandonCurrent();
            status = new ConnectionStatus(failure.kind() == FarmException.Kind.WRONG_TOKEN
                    ? ConnectionState.WRONG_TOKEN : ConnectionState.COORDINATOR_DOWN, failure.getMessage(), null);
        }
        LOG.info("{} refused the event stream: {}", connection.coordinator(), failure.getMessage());
        fire(Topic.STATUS);
    }

    /** Guarded by lock. Closes the stream; returns the new generation, whose callbacks alone are heard. */
    private int abandonCurrent() {
        generation++;
        if (events != null) {
            events.close();
            events = null;
        }
        return generation;
    }

    private static boolean isConnectionProblem(FarmException e) {
        return e.kind() == FarmException.Kind.COORDINATOR_DOWN || e.kind() == FarmException.Kind.WRONG_TOKEN;
    }

    private int currentGeneration() {
        synchronized (lock) {
            return generation;
        }
    }

    private void fire(Topic topic) {
        for (SessionListener listener : listeners) {
            listener.changed(topic);
        }
    }

    private final class StreamListener implements EventStream.Listener {

        private final int attempt;

        StreamListener(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onEvent(EventInfo event) {
            FarmSession.this.onEvent(attempt, event);
        }

        @Override
        public void onConnected() {
            connected(attempt);
        }

        @Override
        public void onDisconnected(IOException cause, Duration retryIn) {
            disconnected(attempt, ClientConnection.failure(connection.coordinator(), cause), retryIn);
        }

        @Override
        public void onRefused(KilnApiException refusal) {
            refused(attempt, ClientConnection.failure(connection.coordinator(), refusal));
        }
    }
}
