package dev.kiln.desktop.model.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.KilnApiException;
import dev.kiln.client.KilnClient;
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
import dev.kiln.desktop.model.Channel;
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
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.BuildCounts;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildRequest;
import dev.kiln.protocol.ChannelInfo;
import dev.kiln.protocol.DerivationText;
import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.EvaluationSummaryInfo;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.HookDeploymentInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.protocol.SubmitAnswer;
import dev.kiln.protocol.SubmitBody;

/**
 * A connection to a coordinator's client API. Thread-safe. Calls {@link KilnClient} where it has them; the event
 * stream and derivations, which it lacks, are plain HTTP requests here. Streams run on virtual threads.
 */
public final class KilnConnection implements FarmConnection {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI coordinator;
    private final String authorization;
    private final KilnClient client;
    private final HttpClient http;
    private final Set<Subscription> open = ConcurrentHashMap.newKeySet();

    /**
     * @param coordinator the coordinator's base URL, for example {@code http://127.0.0.1:8746}
     * @param token       the bearer token, or empty for a coordinator listening on loopback
     */
    public KilnConnection(URI coordinator, String token) {
        boolean noToken = token == null || token.isBlank();
        this.client = new KilnClient(coordinator, noToken ? null : token.strip());
        this.coordinator = client.coordinator();
        this.authorization = noToken ? null : "Bearer " + token.strip();
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public URI coordinator() {
        return coordinator;
    }

    @Override
    public void probe() throws FarmException {
        call(() -> {
            client.checkHealth();
            // The health check needs no token: list one build to learn whether the token is accepted.
            client.builds(Map.of("limit", "1"));
            return null;
        });
    }

    @Override
    public BuildPage listBuilds(BuildFilter filter, BuildSort sort, boolean ascending, String cursor, int limit)
            throws FarmException {
        Map<String, String> query = new HashMap<>();
        if (!filter.states().isEmpty()) {
            query.put("state", filter.states().stream().map(BuildState::id).sorted().collect(Collectors.joining(",")));
        }
        query.put("system", filter.system());
        query.put("tag", filter.tag());
        query.put("limit", Integer.toString(limit));
        query.put("cursor", cursor);
        query.put("sort", sort.id());
        query.put("order", ascending ? "asc" : "desc");
        query.put("total", cursor == null ? "true" : null);
        BuildList page = call(() -> client.builds(query));
        return new BuildPage(page.builds().stream().map(KilnConnection::build).toList(), page.next(),
                page.total() == null ? -1 : page.total());
    }

    @Override
    public Map<BuildState, Long> countBuilds() throws FarmException {
        BuildCounts counts = call(() -> client.buildCounts(Map.of()));
        Map<BuildState, Long> byState = new EnumMap<>(BuildState.class);
        for (BuildState state : BuildState.values()) {
            byState.put(state, counts.states() == null ? 0L : counts.states().getOrDefault(dev.kiln.protocol.BuildState.valueOf(state.name()), 0L));
        }
        return byState;
    }

    @Override
    public Build tag(UUID build, Map<String, String> set, List<String> remove) throws FarmException {
        return build(call(() -> client.tag(build, set, remove)));
    }

    @Override
    public Build build(UUID id) throws FarmException {
        return build(call(() -> client.build(id)));
    }

    @Override
    public Derivation derivation(String path) throws FarmException {
        byte[] body = call(() -> get("api/v1/derivations?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)));
        Map<?, ?> json = call(() -> ProtocolJson.read(body, Map.class));
        Map<String, String> outputs = new HashMap<>();
        if (json.get("outputs") instanceof Map<?, ?> given) {
            given.forEach((name, output) -> outputs.put(name.toString(),
                    output instanceof Map<?, ?> fields ? String.valueOf(fields.get("path")) : ""));
        }
        Map<String, List<String>> inputDrvs = new HashMap<>();
        if (json.get("inputDrvs") instanceof Map<?, ?> given) {
            given.forEach((drv, names) -> inputDrvs.put(drv.toString(), strings(names)));
        }
        Map<String, String> env = new HashMap<>();
        if (json.get("env") instanceof Map<?, ?> given) {
            given.forEach((name, value) -> env.put(name.toString(), String.valueOf(value)));
        }
        return new Derivation(path, outputs, inputDrvs, strings(json.get("inputSrcs")), text(json.get("system")),
                text(json.get("builder")), strings(json.get("args")), env);
    }

    @Override
    public String log(UUID build) throws FarmException {
        return call(() -> {
            try (InputStream in = client.log(build, false)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
    }

    @Override
    public Subscription followLog(UUID build, LogListener listener) throws FarmException {
        InputStream body = call(() -> client.log(build, true));
        return stream(body, "kiln-log-" + build, (in, closed) -> {
            char[] buffer = new char[8192];
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                for (int read = reader.read(buffer); read >= 0; read = reader.read(buffer)) {
                    if (closed.get()) {
                        return;
                    }
                    listener.onText(new String(buffer, 0, read));
                }
                if (!closed.get()) {
                    listener.onEnd(null);
                }
            } catch (IOException e) {
                if (!closed.get()) {
                    listener.onEnd(failure(e));
                }
            }
        });
    }

    @Override
    public Build cancel(UUID build) throws FarmException {
        return build(call(() -> client.cancel(build)));
    }

    @Override
    public Build retry(UUID build) throws FarmException {
        return build(call(() -> client.retry(build)));
    }

    @Override
    public Build setPriority(UUID build, int priority) throws FarmException {
        return build(call(() -> client.changePriority(build, priority)));
    }

    @Override
    public List<Agent> agents() throws FarmException {
        return call(client::agents).stream().map(KilnConnection::agent).toList();
    }

    @Override
    public AgentCredentials createAgent(NewAgent agent) throws FarmException {
        AgentPassword created = call(() -> client.createAgent(
                new NewAgentBody(agent.name(), agent.description(), agent.systems(), agent.tags())));
        return new AgentCredentials(created.id(), created.password());
    }

    @Override
    public AgentCredentials newPassword(UUID agent) throws FarmException {
        AgentPassword renewed = call(() -> client.newAgentPassword(agent));
        return new AgentCredentials(renewed.id(), renewed.password());
    }

    @Override
    public Agent setActive(UUID agent, boolean active) throws FarmException {
        return agent(call(() -> client.setAgentActive(agent, active)));
    }

    @Override
    public List<AgentPlan> plan() throws FarmException {
        return call(client::plan).agents().stream()
                .map(planned -> new AgentPlan(planned.agent(), planned.builds().stream()
                        .map(b -> new PlannedBuild(b.id(), b.derivation(), b.priority())).toList()))
                .toList();
    }

    @Override
    public List<Hook> hooks() throws FarmException {
        return call(client::hooks).hooks().stream()
                .map(hook -> new Hook(hook.name(), hook.bundle(), hook.events(),
                        hook.queued().values().stream().mapToInt(Integer::intValue).sum(), (int) hook.failures(),
                        hook.lastFailure()))
                .toList();
    }

    @Override
    public void installHook(String fileName, byte[] bundle) throws FarmException {
        HookDeploymentInfo deployment = call(() -> client.installHook(fileName, bundle));
        if (deployment.problem() != null) {
            throw new FarmException(Kind.REJECTED, fileName + " was not deployed: " + deployment.problem());
        }
    }

    @Override
    public void removeHook(String fileName) throws FarmException {
        call(() -> client.removeHook(fileName));
    }

    @Override
    public List<SubmitOutcome> submit(List<Path> derivationFiles, int priority, Map<String, String> tags)
            throws FarmException {
        String storeDir = call(client::cache).storeDir();
        DerivationClosure closure = new DerivationClosure(storeDir);
        List<String> requested = new ArrayList<>();
        for (Path file : derivationFiles) {
            requested.add(call(() -> closure.add(file)));
        }
        Map<String, String> texts = closure.texts();
        SubmitAnswer answer = call(() -> {
            List<String> missing = client.missingDerivations(new ArrayList<>(texts.keySet()));
            return client.submit(new SubmitBody(
                    missing.stream().map(path -> new DerivationText(path, texts.get(path))).toList(),
                    requested.stream().map(path -> new BuildRequest(path, priority, tags, Map.of(), false, false, null))
                            .toList()));
        });
        return answer.results().stream().map(result -> new SubmitOutcome(result.derivation(),
                result.id(), result.outcome().toString())).toList();
    }

    @Override
    public List<Jobset> jobsets() throws FarmException {
        return call(client::jobsets).stream().map(KilnConnection::jobset).toList();
    }

    @Override
    public Jobset addJobset(Jobset jobset) throws FarmException {
        return jobset(call(() -> client.addJobset(info(jobset))));
    }

    @Override
    public Jobset changeJobset(Jobset jobset) throws FarmException {
        return jobset(call(() -> client.updateJobset(info(jobset))));
    }

    @Override
    public void removeJobset(String name) throws FarmException {
        call(() -> {
            client.removeJobset(name);
            return null;
        });
    }

    @Override
    public Jobset setJobsetEnabled(String name, boolean enabled) throws FarmException {
        return jobset(call(() -> client.setJobsetEnabled(name, enabled)));
    }

    @Override
    public void evaluate(String jobset) throws FarmException {
        call(() -> client.evaluateJobset(jobset));
    }

    @Override
    public List<Evaluation> evaluations(String jobset) throws FarmException {
        return call(() -> client.evaluations(jobset)).stream().map(KilnConnection::evaluation).toList();
    }

    @Override
    public Evaluation evaluation(long id) throws FarmException {
        return evaluation(call(() -> client.evaluation(id)));
    }

    @Override
    public String evaluationLog(long id) throws FarmException {
        return call(() -> {
            try (InputStream in = client.evaluationLog(id)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
    }

    @Override
    public int cancelEvaluation(long id) throws FarmException {
        return call(() -> client.cancelEvaluation(id));
    }

    @Override
    public Subscription subscribe(long lastEventId, EventListener listener) throws FarmException {
        HttpRequest.Builder request = request("api/v1/events").header("Accept", "text/event-stream").GET();
        if (lastEventId >= 0) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        InputStream body = call(() -> open(request.build()));
        return stream(body, "kiln-events", (in, closed) -> {
            FarmException reason;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                ServerSentEvents.read(reader, (id, type, data) -> {
                    if (!closed.get()) {
                        listener.onEvent(event(ProtocolJson.read(data.getBytes(StandardCharsets.UTF_8),
                                EventInfo.class)));
                    }
                });
                reason = new FarmException(Kind.COORDINATOR_DOWN, "the coordinator " + coordinator
                        + " ended the event stream");
            } catch (IOException | RuntimeException e) {
                reason = e instanceof IOException io ? failure(io)
                        : new FarmException(Kind.COORDINATOR_DOWN, "the event stream broke: " + e.getMessage(), e);
            }
            if (!closed.get()) {
                listener.onClosed(reason);
            }
        });
    }

    @Override
    public void close() {
        open.forEach(Subscription::close);
        http.close();
    }

    /** What a stream's reading thread does; it stops reading once {@code closed} is set. */
    @FunctionalInterface
    private interface StreamReader {
        void read(InputStream in, AtomicBoolean closed);
    }

    private Subscription stream(InputStream body, String threadName, StreamReader reader) {
        AtomicBoolean closed = new AtomicBoolean();
        Subscription subscription = new Subscription() {
            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    open.remove(this);
                    try {
                        body.close();
                    } catch (IOException e) {
                        // Closing is how a stream is stopped; a failure to close leaves nothing to undo.
                    }
                }
            }
        };
        open.add(subscription);
        Thread.ofVirtual().name(threadName).start(() -> {
            try {
                reader.read(body, closed);
            } finally {
                subscription.close();
            }
        });
        return subscription;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(coordinator + "/" + path));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private byte[] get(String path) throws IOException {
        return send(request(path).timeout(REQUEST_TIMEOUT).header("Accept", "application/json").GET());
    }

    private byte[] send(HttpRequest.Builder request) throws IOException {
        HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        refuseErrors(response.statusCode(), response.body());
        return response.body();
    }

    private InputStream open(HttpRequest request) throws IOException {
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 300) {
            try (InputStream in = response.body()) {
                refuseErrors(response.statusCode(), in.readNBytes(64 * 1024));
            }
        }
        return response.body();
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw new CoordinatorUnreachableException(coordinator, "no connection: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + coordinator);
        }
    }

    /** Turns an answer of 300 and above into the exception {@link KilnClient} throws for it. */
    private static void refuseErrors(int status, byte[] body) throws KilnApiException {
        if (status < 300) {
            return;
        }
        String error = "HTTP " + status;
        String detail = "";
        try {
            Map<?, ?> parsed = ProtocolJson.read(body, Map.class);
            error = text(parsed.get("error")).isEmpty() ? error : text(parsed.get("error"));
            detail = parsed.get("detail") == null ? "" : String.valueOf(parsed.get("detail"));
        } catch (IOException e) {
            detail = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        }
        throw new KilnApiException(status, new ErrorAnswer(error, detail));
    }

    /** A call to the coordinator that may fail with any {@link IOException}. */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T call(Call<T> call) throws FarmException {
        try {
            return call.run();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private FarmException failure(IOException e) {
        if (e instanceof KilnApiException refused) {
            Kind kind = switch (refused.status()) {
                case 401, 403 -> Kind.WRONG_TOKEN;
                case 404 -> Kind.NOT_FOUND;
                case 503 -> "unavailable".equals(refused.error()) ? Kind.UNAVAILABLE : Kind.COORDINATOR_DOWN;
                default -> refused.status() >= 500 ? Kind.COORDINATOR_DOWN : Kind.REJECTED;
            };
            String message = kind == Kind.WRONG_TOKEN
                    ? "the coordinator " + coordinator + " refused the token: " + refused.getMessage()
                    : refused.getMessage();
            return new FarmException(kind, message, e);
        }
        if (e instanceof DerivationClosure.UnreadableDerivationException unreadable) {
            return new FarmException(Kind.REJECTED, unreadable.getMessage(), e);
        }
        if (e instanceof CoordinatorUnreachableException) {
            return new FarmException(Kind.COORDINATOR_DOWN, e.getMessage(), e);
        }
        return new FarmException(Kind.COORDINATOR_DOWN, "the connection to " + coordinator + " failed: " + e, e);
    }

    private static Build build(BuildInfo info) {
        return new Build(info.id(), BuildState.fromId(info.state().toString()), info.derivation(), info.system(),
                info.priority(), info.tags(), info.requiredAgentTags(), info.agent(), info.createdAt(),
                info.startedAt(), info.finishedAt(), info.setupFailures(), info.deferUntil(),
                info.outputs() == null ? List.of() : info.outputs().stream().map(output -> new BuildOutput(
                        output.name(), output.path(), output.narHash(), output.narSize(), output.references())).toList());
    }

    private static Agent agent(AgentInfo info) {
        return new Agent(info.id(), info.name(), info.description(),
                info.systems() == null ? Set.of() : Set.copyOf(info.systems()), info.tags(), info.active(),
                info.lastSeen(), AgentStatus.fromId(info.status().toString()),
                info.load() == null ? Double.NaN : info.load(), info.builds() == null ? List.of()
                        : info.builds().stream().map(held -> new HeldBuild(held.id(),
                                BuildState.fromId(held.state().toString()), held.derivation(), held.since())).toList());
    }

    private static Jobset jobset(JobsetInfo info) {
        return new Jobset(info.name(), info.channels() == null ? List.of() : info.channels().stream()
                .map(channel -> new Channel(channel.name(), channel.url(), channel.branch())).toList(),
                info.evaluationCommand(), info.storeDir(), info.storeRoot(), Duration.ofSeconds(info.periodSeconds()),
                info.priority(), info.tags(), info.enabled() == null || info.enabled(),
                info.maxBuildsPerEvaluation(), info.supersede());
    }

    private static JobsetInfo info(Jobset jobset) {
        return new JobsetInfo(jobset.name(), jobset.channels().stream()
                .map(channel -> new ChannelInfo(channel.name(), channel.url(), channel.branch())).toList(),
                jobset.evaluationCommand(), jobset.storeDir(), jobset.storeRoot().isEmpty() ? null : jobset.storeRoot(),
                jobset.period().toSeconds(), jobset.priority(), jobset.tags(), jobset.enabled(),
                jobset.maxBuildsPerEvaluation(), jobset.supersede());
    }

    private static Evaluation evaluation(EvaluationInfo info) {
        EvaluationSummaryInfo summary = info.summary();
        return new Evaluation(info.id(), info.jobset(), info.commits(), info.startedAt(),
                info.finishedAt(), EvaluationStatus.fromId(info.status().toString()), info.derivationsFound(),
                info.buildsSubmitted(), info.error(), summary == null ? null : new EvaluationSummary(
                        summary.succeeded(), summary.failed(), summary.pending(), summary.canceled(),
                        summary.newlyFailing()));
    }

    private static FarmEvent event(EventInfo info) {
        return new FarmEvent(info.id(), info.type().toString(), info.time(), info.build(), info.agent(), info.data());
    }


    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}
