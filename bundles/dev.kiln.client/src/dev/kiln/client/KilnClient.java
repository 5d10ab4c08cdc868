package dev.kiln.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentList;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.BuildCounts;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildRequest;
import dev.kiln.protocol.CacheInfo;
import dev.kiln.protocol.CacheReportInfo;
import dev.kiln.protocol.GcBody;
import dev.kiln.protocol.GcReportInfo;
import dev.kiln.protocol.CountAnswer;
import dev.kiln.protocol.DerivationInfo;
import dev.kiln.protocol.DerivationText;
import dev.kiln.protocol.EvaluateBody;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.EvaluationList;
import dev.kiln.protocol.HookConfigurationBody;
import dev.kiln.protocol.HookConfigurationInfo;
import dev.kiln.protocol.HookDeploymentInfo;
import dev.kiln.protocol.HookList;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.JobsetList;
import dev.kiln.protocol.MissingAnswer;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.PathsBody;
import dev.kiln.protocol.PlanInfo;
import dev.kiln.protocol.PriorityBody;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.protocol.SubmitAnswer;
import dev.kiln.protocol.SubmitBody;
import dev.kiln.protocol.TagsBody;
import dev.kiln.protocol.TokenAnswer;
import dev.kiln.protocol.TokenBody;
import dev.kiln.protocol.TokenInfo;
import dev.kiln.protocol.TokenList;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.retry.Backoff;
import dev.kiln.store.StorePath;

/**
 * A client of one coordinator's client API. Instances are immutable and thread-safe; share one per coordinator.
 * Every method throws {@link KilnApiException} when the coordinator refuses the request and
 * {@link CoordinatorUnreachableException} when it cannot be reached.
 */
public final class KilnClient {

    private static final int NARINFO_QUERIES_AT_ONCE = 32;

    private final URI coordinator;
    private final Http http;

    /**
     * @param coordinator the base URL of the coordinator, for example {@code http://127.0.0.1:8746}
     */
    public KilnClient(URI coordinator) {
        this(coordinator, null);
    }

    /**
     * @param coordinator the base URL of the coordinator
     * @param token a client token, or null for the one a coordinator on this machine left for this user
     *        ({@link LocalToken}), if any: reads on loopback need none
     */
    public KilnClient(URI coordinator, String token) {
        this(coordinator, token, null);
    }

    /**
     * @param coordinator the base URL of the coordinator
     * @param token a client token, or null for the one a coordinator on this machine left for this user
     *        ({@link LocalToken}), if any, read again for each request: reads on loopback need none
     * @param tls the TLS context an {@code https://} coordinator is reached with (see
     *        {@link TrustedCertificates#sslContext}), or null for the JVM's default
     */
    public KilnClient(URI coordinator, String token, SSLContext tls) {
        this.coordinator = withoutTrailingSlash(Objects.requireNonNull(coordinator, "coordinator"));
        URI local = this.coordinator;
        // The local token is read for each request: a coordinator that restarts leaves a new one.
        Supplier<String> authorization = token != null ? () -> "Bearer " + token
                : () -> LocalToken.find(local).map(found -> "Bearer " + found).orElse(null);
        this.http = new Http(URI.create(this.coordinator + "/"), authorization, tls);
    }

    public URI coordinator() {
        return coordinator;
    }

    /**
     * Asks the coordinator whether it is ready.
     *
     * @throws CoordinatorUnreachableException when no connection can be made or the answer is not 200
     */
    public void checkHealth() throws CoordinatorUnreachableException {
        try {
            int status = http.status("healthz");
            if (status != 200) {
                throw new CoordinatorUnreachableException(coordinator, "health check answered " + status, null);
            }
        } catch (CoordinatorUnreachableException e) {
            throw e;
        } catch (IOException e) {
            throw new CoordinatorUnreachableException(coordinator, describe(e), e);
        }
    }

    /** The derivation paths among these that the coordinator does not have. */
    public List<String> missingDerivations(List<String> paths) throws IOException {
        return http.json("POST", "api/v1/derivations/missing", new PathsBody(paths), MissingAnswer.class).missing();
    }

    /**
     * The store paths among these that the binary cache cannot serve, asked as Nix asks a cache: a {@code HEAD} of each
     * path's narinfo, a few at a time.
     */
    public List<String> missingStorePaths(List<String> paths) throws IOException {
        List<String> missing = new ArrayList<>();
        for (int first = 0; first < paths.size(); first += NARINFO_QUERIES_AT_ONCE) {
            List<String> batch = paths.subList(first, Math.min(paths.size(), first + NARINFO_QUERIES_AT_ONCE));
            List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
            for (String path : batch) {
                answers.add(http.sendAsync(http.request(hashPart(path) + ".narinfo").timeout(Http.REQUEST_TIMEOUT)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding()));
            }
            for (int i = 0; i < batch.size(); i++) {
                int status = http.await(answers.get(i)).statusCode();
                if (status == 404) {
                    missing.add(batch.get(i));
                } else {
                    Http.check(status, new byte[0]);
                }
            }
        }
        return missing;
    }

    /**
     * Uploads a NAR file for the binary cache, as {@code nix copy --to} does; its narinfo follows with
     * {@link #putNarInfo}. Needs a client token.
     *
     * @param fileName the file's name under {@code nar/}, such as {@code <nix-base32 hash>.nar.zst}
     * @param progress told how many bytes of the file have been sent, as they go
     */
    public void putNar(String fileName, Path file, TransferProgress progress) throws IOException {
        long size = Files.size(file);
        // No timeout: a large NAR on a slow link takes as long as it takes. A refusal (no token, too large) comes
        // before the first byte is sent.
        http.sendChecked(http.request("nar/" + Http.encode(fileName))
                .expectContinue(true)
                .header("Content-Type", "application/x-nix-nar")
                .PUT(counted(size, () -> Files.newInputStream(file), progress))
                .build());
    }

    /**
     * Uploads the narinfo of a NAR put before: the coordinator checks the NAR against it, then serves the path,
     * signed with its key. Needs a client token.
     */
    public void putNarInfo(String hashPart, String narInfo) throws IOException {
        http.sendChecked(http.request(Http.encode(hashPart) + ".narinfo")
                .timeout(Http.REQUEST_TIMEOUT)
                .header("Content-Type", "text/x-nix-narinfo")
                .PUT(HttpRequest.BodyPublishers.ofString(narInfo, StandardCharsets.UTF_8))
                .build());
    }

    /**
     * Submits one build for each derivation of {@code closure} asked for, sending the texts of the derivations the
     * coordinator lacks. Upload its input sources first ({@link #uploadSources}).
     *
     * @param request the build to ask for each derivation path
     * @param progress told how the body, which carries the texts, is being sent
     */
    public SubmitAnswer submit(DerivationClosure closure, Function<String, BuildRequest> request,
            TransferProgress progress) throws IOException {
        List<String> missing = missingDerivations(new ArrayList<>(closure.texts().keySet()));
        return submit(new SubmitBody(
                missing.stream().map(path -> new DerivationText(path, closure.texts().get(path))).toList(),
                closure.requested().stream().map(request).toList()), progress);
    }

    /**
     * Puts the input sources of {@code closure} that the binary cache lacks into it, with the sources they refer to;
     * each is found and checked before the first byte is sent. Needs a client token when there is anything to send.
     *
     * @throws SubmissionException when a source is missing or is not what its store path says
     */
    public void uploadSources(DerivationClosure closure, BatchProgress progress) throws IOException {
        Map<StorePath, InputSources.Needed> needed = closure.sources();
        if (needed.isEmpty()) {
            return;
        }
        Path temporary = Files.createTempDirectory("kiln-submit");
        try {
            InputSources sources = new InputSources(temporary);
            Map<StorePath, InputSources.Prepared> prepared = new LinkedHashMap<>();
            List<InputSources.Needed> asked = new ArrayList<>(needed.values());
            // Each round asks about the sources the previous one found referred to; a path is asked about once.
            Set<StorePath> seen = new HashSet<>(needed.keySet());
            while (!asked.isEmpty()) {
                Map<String, InputSources.Needed> byPath = new LinkedHashMap<>();
                asked.forEach(source -> byPath.put(source.path().toString(), source));
                List<InputSources.Needed> next = new ArrayList<>();
                for (String path : missingStorePaths(new ArrayList<>(byPath.keySet()))) {
                    InputSources.Needed source = byPath.get(path);
                    InputSources.Prepared ready = sources.prepare(source);
                    prepared.put(ready.path(), ready);
                    for (StorePath reference : ready.references()) {
                        if (seen.add(reference)) {
                            next.add(new InputSources.Needed(reference, source.directory(), path));
                        }
                    }
                }
                asked = next;
            }
            if (prepared.isEmpty()) {
                return;
            }
            long total = prepared.values().stream().mapToLong(InputSources.Prepared::fileSize).sum();
            TransferProgress sent = progress.starting(prepared.size(), total);
            long done = 0;
            for (InputSources.Prepared source : prepared.values()) {
                long before = done;
                putNar(source.narFileName(), source.compressedNar(), (bytes, size) -> sent.sent(before + bytes, total));
                putNarInfo(source.path().hashPart(), source.narInfo().render());
                done += source.fileSize();
                sent.sent(done, total);
            }
        } finally {
            deleteTree(temporary);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }

    public SubmitAnswer submit(SubmitBody submit) throws IOException {
        return submit(submit, TransferProgress.NONE);
    }

    /** Submits, telling how the body (which carries the derivations' texts) is being sent. */
    public SubmitAnswer submit(SubmitBody submit, TransferProgress progress) throws IOException {
        byte[] body = ProtocolJson.write(submit);
        byte[] answer = http.sendChecked(http.request("api/v1/builds").timeout(Http.REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(counted(body.length, () -> new ByteArrayInputStream(body), progress)).build());
        return Http.read(answer, SubmitAnswer.class, "POST api/v1/builds");
    }

    private interface BodySource {
        InputStream open() throws IOException;
    }

    private static HttpRequest.BodyPublisher counted(long size, BodySource source, TransferProgress progress) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new CountingInputStream(source.open(), size, progress);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), size);
    }

    /**
     * A page of builds.
     *
     * @param filters query parameters: {@code state}, {@code system}, {@code tag} ({@code k=v}), {@code derivation},
     *        {@code agent}, {@code limit}, {@code cursor}, {@code sort} ({@code submitted}, {@code priority},
     *        {@code state}, {@code system}, {@code derivation}), {@code order} ({@code asc} or {@code desc}),
     *        {@code total} ({@code true} for the count of matching builds); null values are left out
     */
    public BuildList builds(Map<String, String> filters) throws IOException {
        return http.json("GET", "api/v1/builds" + queryString(filters), null, BuildList.class);
    }

    /**
     * How many builds match, by state.
     *
     * @param filters query parameters: {@code state}, {@code system}, {@code tag}, {@code derivation},
     *        {@code agent}; null values are left out
     */
    public BuildCounts buildCounts(Map<String, String> filters) throws IOException {
        return http.json("GET", "api/v1/builds/counts" + queryString(filters), null, BuildCounts.class);
    }

    /**
     * Sets tags of a build (a key it has gets the new value) and removes others, in one change.
     *
     * @param tags   key to value
     * @param remove keys to remove
     */
    public BuildInfo tag(UUID id, Map<String, String> tags, List<String> remove) throws IOException {
        return http.json("PUT", "api/v1/builds/" + id + "/tags", new TagsBody(tags, remove),
                BuildInfo.class);
    }

    /** Removes the tag of this key from a build. */
    public BuildInfo untag(UUID id, String key) throws IOException {
        return http.json("DELETE", "api/v1/builds/" + id + "/tags/" + Http.encode(key), null,
                BuildInfo.class);
    }

    private static String queryString(Map<String, String> parameters) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null) {
                query.add(Http.encode(name) + "=" + Http.encode(value));
            }
        });
        return query.toString();
    }

    public BuildInfo build(UUID id) throws IOException {
        return http.json("GET", "api/v1/builds/" + id, null, BuildInfo.class);
    }

    public BuildInfo cancel(UUID id) throws IOException {
        return http.json("POST", "api/v1/builds/" + id + "/cancel", null, BuildInfo.class);
    }

    public BuildInfo retry(UUID id) throws IOException {
        return http.json("POST", "api/v1/builds/" + id + "/retry", null, BuildInfo.class);
    }

    /** Why a build has not started: its reasons in order, none when it does not wait. */
    public WaitingInfo waiting(UUID id) throws IOException {
        return http.json("GET", "api/v1/builds/" + id + "/waiting", null, WaitingInfo.class);
    }

    /** A build's graph: its inputs not built yet and its dependents, at most {@code maxNodes} of them. */
    public BuildGraphInfo graph(UUID id, int maxNodes) throws IOException {
        return http.json("GET", "api/v1/builds/" + id + "/graph?max=" + maxNodes, null, BuildGraphInfo.class);
    }

    /** Cancels a build and every build that is not final and needs it; returns the builds canceled. */
    public BuildList cancelWithDependents(UUID id) throws IOException {
        return http.json("POST", "api/v1/builds/" + id + "/cancel-with-dependents", null, BuildList.class);
    }

    /** Raises to {@code priority} the pending builds of the inputs a build waits for; returns those raised. */
    public BuildList raiseInputPriority(UUID id, int priority) throws IOException {
        return http.json("PUT", "api/v1/builds/" + id + "/input-priority", new PriorityBody(priority),
                BuildList.class);
    }

    public BuildInfo changePriority(UUID id, int priority) throws IOException {
        return http.json("PUT", "api/v1/builds/" + id + "/priority", new PriorityBody(priority),
                BuildInfo.class);
    }

    /** The build's log; with {@code follow}, the stream ends only when the build is final. The caller closes it. */
    public InputStream log(UUID id, boolean follow) throws IOException {
        HttpRequest.Builder request = http.request("api/v1/builds/" + id + "/log" + (follow ? "?follow=true" : ""));
        if (!follow) {
            request.timeout(Http.REQUEST_TIMEOUT);
        }
        return http.stream(request.GET().build());
    }

    public AgentPassword createAgent(NewAgentBody agent) throws IOException {
        return http.json("POST", "api/v1/agents", agent, AgentPassword.class);
    }

    public List<AgentInfo> agents() throws IOException {
        return http.json("GET", "api/v1/agents", null, AgentList.class).agents();
    }

    public AgentPassword newAgentPassword(String id) throws IOException {
        return http.json("POST", "api/v1/agents/" + Http.encode(id) + "/password", null, AgentPassword.class);
    }

    /** Activates or deactivates an agent, given by id or name; a deactivated agent's started builds finish. */
    public AgentInfo setAgentActive(String id, boolean active) throws IOException {
        return active ? http.json("POST", "api/v1/agents/" + Http.encode(id) + "/activate", null, AgentInfo.class)
                : deactivateAgent(id, false);
    }

    /**
     * Deactivates an agent, given by id or name: it gets no further build. With {@code now}, its started builds go
     * back to the queue at once and its reports on them are refused; without, they finish on it.
     */
    public AgentInfo deactivateAgent(String id, boolean now) throws IOException {
        return http.json("POST", "api/v1/agents/" + Http.encode(id) + "/deactivate?now=" + now, null,
                AgentInfo.class);
    }

    /** Removes an agent, given by id or name; the builds it holds go back to the queue. */
    public AgentInfo removeAgent(String id) throws IOException {
        return http.json("DELETE", "api/v1/agents/" + Http.encode(id), null, AgentInfo.class);
    }

    public PlanInfo plan() throws IOException {
        return http.json("GET", "api/v1/plan", null, PlanInfo.class);
    }

    /** A new client token, shown once. */
    public String createToken() throws IOException {
        return createToken(null).token();
    }

    /** A new client token with a label (or null), shown once, and its id. */
    public TokenAnswer createToken(String label) throws IOException {
        return http.json("POST", "api/v1/tokens", label == null ? null : new TokenBody(label), TokenAnswer.class);
    }

    /** The stored client tokens, oldest first: their ids, labels and creation times, never their values. */
    public List<TokenInfo> tokens() throws IOException {
        return http.json("GET", "api/v1/tokens", null, TokenList.class).tokens();
    }

    /** Revokes the token with this id, or the only one with this label; answers what it revoked. */
    public TokenInfo revokeToken(String idOrLabel) throws IOException {
        return http.json("DELETE", "api/v1/tokens/" + Http.encode(idOrLabel), null, TokenInfo.class);
    }

    /** The binary cache's store directory and public key. */
    public CacheInfo cache() throws IOException {
        return http.json("GET", "api/v1/cache", null, CacheInfo.class);
    }

    /** Runs the cache's garbage collector now; a dry run only says what would go. */
    public GcReportInfo collectGarbage(boolean dryRun) throws IOException {
        return http.json("POST", "api/v1/cache/gc", new GcBody(dryRun), GcReportInfo.class);
    }

    /** Checks every path the cache serves: its NAR whole and as its narinfo says, its references served. */
    public CacheReportInfo verifyCache() throws IOException {
        return http.json("POST", "api/v1/cache/verify", null, CacheReportInfo.class);
    }

    /** The running hooks and the jars of the hooks directory. */
    public HookList hooks() throws IOException {
        return http.json("GET", "api/v1/hooks", null, HookList.class);
    }

    /** Installs (or replaces) a hook bundle; the answer says whether it deployed and, if not, why. */
    public HookDeploymentInfo installHook(Path jar) throws IOException {
        return installHook(jar.getFileName().toString(), Files.readAllBytes(jar));
    }

    /** Installs (or replaces) a hook bundle under this file name in the coordinator's hooks directory. */
    public HookDeploymentInfo installHook(String fileName, byte[] jar) throws IOException {
        HttpRequest request = http.request("api/v1/hooks/" + Http.encode(fileName))
                .timeout(Http.REQUEST_TIMEOUT)
                .header("Content-Type", "application/java-archive")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(jar))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 422) {
            Http.check(response.statusCode(), response.body());
        }
        return ProtocolJson.read(response.body(), HookDeploymentInfo.class);
    }

    /**
     * Sets properties of a hook bundle's configuration (an empty value removes its key; none reads it), found by its
     * file, bundle or hook name.
     */
    public HookConfigurationInfo configureHook(String name, Map<String, String> properties) throws IOException {
        return http.json("PUT", "api/v1/hooks/" + Http.encode(name) + "/configuration",
                new HookConfigurationBody(properties), HookConfigurationInfo.class);
    }

    /** Removes a hook by its file, bundle or hook name. */
    public HookDeploymentInfo removeHook(String name) throws IOException {
        return http.json("DELETE", "api/v1/hooks/" + Http.encode(name), null, HookDeploymentInfo.class);
    }

    public List<JobsetInfo> jobsets() throws IOException {
        return http.json("GET", "api/v1/jobsets", null, JobsetList.class).jobsets();
    }

    public JobsetInfo jobset(String name) throws IOException {
        return http.json("GET", "api/v1/jobsets/" + Http.encode(name), null, JobsetInfo.class);
    }

    public JobsetInfo addJobset(JobsetInfo jobset) throws IOException {
        return http.json("POST", "api/v1/jobsets", jobset, JobsetInfo.class);
    }

    public JobsetInfo updateJobset(JobsetInfo jobset) throws IOException {
        return http.json("PUT", "api/v1/jobsets/" + Http.encode(jobset.name()), jobset, JobsetInfo.class);
    }

    public void removeJobset(String name) throws IOException {
        http.json("DELETE", "api/v1/jobsets/" + Http.encode(name), null, Void.class);
    }

    /** Asks for an evaluation now; it runs after the one under way, if any. */
    public JobsetInfo evaluateJobset(String name) throws IOException {
        return evaluateJobset(name, false);
    }

    /** Evaluates the jobset now; with {@code rebuildFailures}, the failed builds it finds are retried. */
    public JobsetInfo evaluateJobset(String name, boolean rebuildFailures) throws IOException {
        return http.json("POST", "api/v1/jobsets/" + Http.encode(name) + "/evaluate",
                rebuildFailures ? new EvaluateBody(true) : null, JobsetInfo.class);
    }

    public JobsetInfo setJobsetEnabled(String name, boolean enabled) throws IOException {
        return http.json("POST", "api/v1/jobsets/" + Http.encode(name) + (enabled ? "/enable" : "/disable"), null,
                JobsetInfo.class);
    }

    /** The jobset's evaluations, newest first. */
    public List<EvaluationInfo> evaluations(String jobset) throws IOException {
        return http.json("GET", "api/v1/jobsets/" + Http.encode(jobset) + "/evaluations", null, EvaluationList.class)
                .evaluations();
    }

    /** One evaluation with the summary of its builds. */
    public EvaluationInfo evaluation(long id) throws IOException {
        return http.json("GET", "api/v1/evaluations/" + id, null, EvaluationInfo.class);
    }

    /** What the evaluation's command printed. The caller closes the stream. */
    public InputStream evaluationLog(long id) throws IOException {
        return http.stream(http.request("api/v1/evaluations/" + id + "/log").timeout(Http.REQUEST_TIMEOUT).GET().build());
    }

    /** Cancels the evaluation's builds that have not finished; returns how many. */
    public int cancelEvaluation(long id) throws IOException {
        return http.json("POST", "api/v1/evaluations/" + id + "/cancel", null, CountAnswer.class).count();
    }

    /** A derivation the coordinator holds, by its store path. */
    public DerivationInfo derivation(String path) throws IOException {
        return http.json("GET", "api/v1/derivations?path=" + Http.encode(path), null, DerivationInfo.class);
    }

    /**
     * Follows the event stream from now on, or after a given event, until closed: see {@link EventStream}.
     *
     * @param after the id of the last event already seen, to hear those after it; negative to hear those from now on
     * @param retry how long to wait before opening the stream again after it could not be opened or broke
     */
    public EventStream events(long after, Backoff retry, EventStream.Listener listener) {
        EventStream stream = new EventStream(http, after, retry, listener);
        stream.start();
        return stream;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message;
    }

    /** The hash part of a store path, such as {@code /nix/store/<hash>-name}. */
    private static String hashPart(String storePath) {
        String baseName = storePath.substring(storePath.lastIndexOf('/') + 1);
        int dash = baseName.indexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("not a store path: " + storePath);
        }
        return Http.encode(baseName.substring(0, dash));
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
