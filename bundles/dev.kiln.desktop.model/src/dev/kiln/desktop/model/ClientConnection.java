package dev.kiln.desktop.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.kiln.client.BatchProgress;
import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.DerivationClosure;
import dev.kiln.client.EventStream;
import dev.kiln.client.KilnApiException;
import dev.kiln.client.KilnClient;
import dev.kiln.client.SubmissionException;
import dev.kiln.client.TransferProgress;
import dev.kiln.desktop.model.FarmException.Kind;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.AgentPlanInfo;
import dev.kiln.protocol.BuildCounts;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildRequest;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.DerivationInfo;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.HookDeploymentInfo;
import dev.kiln.protocol.HookInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.SubmitResult;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.retry.Backoff;
import dev.kiln.store.StoreDir;

/**
 * A coordinator reached through {@link KilnClient}: each call is the client's, its failure told as a
 * {@link FarmException}; a followed log is read on a virtual thread of its own. Thread-safe.
 */
public final class ClientConnection implements FarmConnection {

    private final KilnClient client;
    private final Set<Subscription> open = ConcurrentHashMap.newKeySet();

    /**
     * @param coordinator the coordinator's base URL, for example {@code http://127.0.0.1:8746}
     * @param token       the bearer token, or empty for a coordinator listening on loopback
     */
    public ClientConnection(URI coordinator, String token) {
        this.client = new KilnClient(coordinator, token == null || token.isBlank() ? null : token.strip());
    }

    @Override
    public URI coordinator() {
        return client.coordinator();
    }

    @Override
    public BuildList listBuilds(BuildFilter filter, BuildSort sort, boolean ascending, String cursor, int limit)
            throws FarmException {
        Map<String, String> query = new HashMap<>();
        if (!filter.states().isEmpty()) {
            query.put("state", filter.states().stream().map(BuildState::toString).sorted()
                    .collect(Collectors.joining(",")));
        }
        query.put("system", filter.system());
        query.put("tag", filter.tag());
        query.put("limit", Integer.toString(limit));
        query.put("cursor", cursor);
        query.put("sort", sort.id());
        query.put("order", ascending ? "asc" : "desc");
        query.put("total", cursor == null ? "true" : null);
        return call(() -> client.builds(query));
    }

    @Override
    public Map<BuildState, Long> countBuilds() throws FarmException {
        BuildCounts counts = call(() -> client.buildCounts(Map.of()));
        Map<BuildState, Long> byState = new EnumMap<>(BuildState.class);
        for (BuildState state : BuildState.values()) {
            byState.put(state, counts.states() == null ? 0L : counts.states().getOrDefault(state, 0L));
        }
        return byState;
    }

    @Override
    public BuildInfo tag(UUID build, Map<String, String> set, List<String> remove) throws FarmException {
        return call(() -> client.tag(build, set, remove));
    }

    @Override
    public BuildInfo build(UUID id) throws FarmException {
        return call(() -> client.build(id));
    }

    @Override
    public DerivationInfo derivation(String path) throws FarmException {
        return call(() -> client.derivation(path));
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
        Thread.ofVirtual().name("kiln-log-" + build).start(() -> {
            char[] buffer = new char[8192];
            try (Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
                for (int read = reader.read(buffer); read >= 0 && !closed.get(); read = reader.read(buffer)) {
                    listener.onText(new String(buffer, 0, read));
                }
                if (!closed.get()) {
                    listener.onEnd(null);
                }
            } catch (IOException e) {
                if (!closed.get()) {
                    listener.onEnd(failure(e));
                }
            } finally {
                subscription.close();
            }
        });
        return subscription;
    }

    @Override
    public BuildInfo cancel(UUID build) throws FarmException {
        return call(() -> client.cancel(build));
    }

    @Override
    public BuildInfo retry(UUID build) throws FarmException {
        return call(() -> client.retry(build));
    }

    @Override
    public BuildInfo setPriority(UUID build, int priority) throws FarmException {
        return call(() -> client.changePriority(build, priority));
    }

    @Override
    public WaitingInfo waiting(UUID build) throws FarmException {
        return call(() -> client.waiting(build));
    }

    @Override
    public BuildGraphInfo graph(UUID build, int maxNodes) throws FarmException {
        return call(() -> client.graph(build, maxNodes));
    }

    @Override
    public List<BuildInfo> cancelWithDependents(UUID build) throws FarmException {
        return call(() -> client.cancelWithDependents(build)).builds();
    }

    @Override
    public List<BuildInfo> raiseInputPriority(UUID build, int priority) throws FarmException {
        return call(() -> client.raiseInputPriority(build, priority)).builds();
    }

    @Override
    public List<AgentInfo> agents() throws FarmException {
        return call(client::agents);
    }

    @Override
    public AgentPassword createAgent(NewAgentBody agent) throws FarmException {
        return call(() -> client.createAgent(agent));
    }

    @Override
    public AgentPassword newPassword(UUID agent) throws FarmException {
        return call(() -> client.newAgentPassword(agent.toString()));
    }

    @Override
    public AgentInfo setActive(UUID agent, boolean active) throws FarmException {
        return call(() -> client.setAgentActive(agent.toString(), active));
    }

    @Override
    public List<AgentPlanInfo> plan() throws FarmException {
        return call(client::plan).agents();
    }

    @Override
    public List<HookInfo> hooks() throws FarmException {
        return call(client::hooks).hooks();
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
    public List<SubmitResult> submit(List<Path> derivationFiles, int priority, Map<String, String> tags)
            throws FarmException {
        return call(() -> {
            DerivationClosure closure = DerivationClosure.read(new StoreDir(client.cache().storeDir()),
                    derivationFiles);
            client.uploadSources(closure, BatchProgress.NONE);
            return client.submit(closure, path -> new BuildRequest(path, priority, tags, Map.of(), false, false, null),
                    TransferProgress.NONE).results();
        });
    }

    @Override
    public List<JobsetInfo> jobsets() throws FarmException {
        return call(client::jobsets);
    }

    @Override
    public JobsetInfo addJobset(JobsetInfo jobset) throws FarmException {
        return call(() -> client.addJobset(jobset));
    }

    @Override
    public JobsetInfo changeJobset(JobsetInfo jobset) throws FarmException {
        return call(() -> client.updateJobset(jobset));
    }

    @Override
    public void removeJobset(String name) throws FarmException {
        call(() -> {
            client.removeJobset(name);
            return null;
        });
    }

    @Override
    public JobsetInfo setJobsetEnabled(String name, boolean enabled) throws FarmException {
        return call(() -> client.setJobsetEnabled(name, enabled));
    }

    @Override
    public void evaluate(String jobset) throws FarmException {
        call(() -> client.evaluateJobset(jobset));
    }

    @Override
    public List<EvaluationInfo> evaluations(String jobset) throws FarmException {
        return call(() -> client.evaluations(jobset));
    }

    @Override
    public EvaluationInfo evaluation(long id) throws FarmException {
        return call(() -> client.evaluation(id));
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
    public Subscription events(long after, Backoff retry, EventStream.Listener listener) {
        EventStream stream = client.events(after, retry, listener);
        Subscription subscription = new Subscription() {
            @Override
            public void close() {
                open.remove(this);
                stream.close();
            }
        };
        open.add(subscription);
        return subscription;
    }

    @Override
    public void close() {
        open.forEach(Subscription::close);
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
        return failure(client.coordinator(), e);
    }

    /** What the operator can do about a failed call to {@code coordinator}. */
    public static FarmException failure(URI coordinator, IOException e) {
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
        if (e instanceof SubmissionException unusable) {
            return new FarmException(Kind.REJECTED, unusable.getMessage(), e);
        }
        if (e instanceof CoordinatorUnreachableException) {
            return new FarmException(Kind.COORDINATOR_DOWN, e.getMessage(), e);
        }
        return new FarmException(Kind.COORDINATOR_DOWN, "the connection to " + coordinator + " failed: " + e, e);
    }
}
