package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.AgentActivity;
import dev.kiln.api.AgentCredentials;
import dev.kiln.api.AgentPlan;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildSort;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NewAgent;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;
import dev.kiln.cache.CacheReport;
import dev.kiln.protocol.AgentList;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.AgentPlanInfo;
import dev.kiln.protocol.BuildCounts;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildRequest;
import dev.kiln.protocol.CacheFaultInfo;
import dev.kiln.protocol.CacheInfo;
import dev.kiln.protocol.CacheReportInfo;
import dev.kiln.protocol.GcBody;
import dev.kiln.protocol.MissingAnswer;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.PathsBody;
import dev.kiln.protocol.PlanInfo;
import dev.kiln.protocol.PlannedBuildInfo;
import dev.kiln.protocol.PriorityBody;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.protocol.SubmitAnswer;
import dev.kiln.protocol.SubmitBody;
import dev.kiln.protocol.TagsBody;
import dev.kiln.protocol.TokenAnswer;
import dev.kiln.protocol.TokenBody;
import dev.kiln.protocol.TokenInfo;
import dev.kiln.protocol.TokenList;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.tools.StoreCommands;

/** The client API under {@code /api/v1/}. */
final class ClientApi {

    private static final Logger LOG = LoggerFactory.getLogger(ClientApi.class);

    private static final int DEFAULT_PAGE = 100;
    private static final int PLAN_LIMIT = 100;
    /** The nodes of a build's graph unless asked otherwise, and the most it may be asked for. */
    private static final int GRAPH_NODES = 500;
    private static final int MAX_GRAPH_NODES = 10_000;
    private static final long FOLLOW_POLL_MILLIS = 200;
    private static final long KEEPALIVE_SECONDS = 15;
    /** How often a long answer that has nothing to send looks whether its client went away. */
    private static final long CLIENT_CHECK_MILLIS = 500;
    private static final int EVENT_BATCH = 1000;
    static final long SMALL_BODY_LIMIT = 64 * 1024;

    private final Services services;
    private final Extensions extensions;
    private final ClientTokens tokens;
    private final long maxJsonBytes;
    private final long smallBody;
    private final HookRoutes hooks;
    private final JobsetRoutes jobsets;
    private final SubmittedDerivations submittedDerivations = new SubmittedDerivations();

    ClientApi(Services services, Extensions extensions, ClientTokens tokens, long maxJsonBytes, HookRoutes hooks,
            JobsetRoutes jobsets) {
        this.services = services;
        this.extensions = extensions;
        this.tokens = tokens;
        this.maxJsonBytes = maxJsonBytes;
        this.smallBody = Math.min(SMALL_BODY_LIMIT, maxJsonBytes);
        this.hooks = hooks;
        this.jobsets = jobsets;
    }

    /** Serves a path below {@code /api/v1/}, given without that prefix. */
    void handle(Exchange exchange, String[] parts) throws HttpFailure, IOException {
        String method = exchange.method();
        switch (parts[0]) {
            case "builds" -> builds(exchange, method, parts);
            case "derivations" -> derivations(exchange, method, parts);
            case "agents" -> agents(exchange, method, parts);
            case "plan" -> {
                requireMethod(exchange, "GET", parts.length == 1);
                plan(exchange);
            }
            case "events" -> {
                requireMethod(exchange, "GET", parts.length == 1);
                events(exchange);
            }
            case "cache" -> {
                if (parts.length == 2 && parts[1].equals("verify")) {
                    requireMethod(exchange, "POST", true);
                    exchange.readEmpty(smallBody);
                    exchange.json(200, cacheReport(services.cache().verify()));
                } else if (parts.length == 2 && parts[1].equals("gc")) {
                    requireMethod(exchange, "POST", true);
                    GcBody body = exchange.readJson(GcBody.class, smallBody);
                    exchange.json(200, Wire.gcReport(extensions.requireRetention().collect(body.dryRun())));
                } else {
                    requireMethod(exchange, "GET", parts.length == 1);
                    exchange.json(200, new CacheInfo(services.cache().storeDir(), services.cache().publicKey()));
                }
            }
            case "tokens" -> tokens(exchange, method, parts);
            case "hooks" -> hooks.handle(exchange, parts);
            case "jobsets" -> jobsets.jobsets(exchange, parts);
            case "evaluations" -> jobsets.evaluations(exchange, parts);
            default -> throw HttpFailure.notFound(exchange.path());
        }
    }

    private void builds(Exchange exchange, String method, String[] parts) throws HttpFailure, IOException {
        if (parts.length == 1) {
            switch (method) {
                case "POST" -> submit(exchange);
                case "GET" -> list(exchange);
                default -> throw methodNotAllowed(exchange);
            }
            return;
        }
        if (parts[1].equals("counts")) {
            requireMethod(exchange, "GET", parts.length == 2);
            Map<BuildState, Long> counts = services.builds().counts(filter(exchange, 1));
            exchange.json(200, new BuildCounts(Wire.counts(counts), total(counts)));
            return;
        }
        UUID id = Wire.uuid(parts[1], "build");
        if (parts.length == 4 && parts[2].equals("tags")) {
            requireMethod(exchange, "DELETE", true);
            exchange.readEmpty(smallBody);
            exchange.json(200, buildInfo(services.builds().tag(id, Set.of(), Set.of(parts[3]))));
            return;
        }
        if (parts.length == 2) {
            requireMethod(exchange, "GET", true);
            exchange.json(200, buildInfo(services.builds().get(id)));
            return;
        }
        if (parts.length != 3) {
            throw HttpFailure.notFound(exchange.path());
        }
        switch (parts[2]) {
            case "cancel" -> {
                requireMethod(exchange, "POST", true);
                exchange.readEmpty(smallBody);
                exchange.json(200, buildInfo(canceled(services.builds().cancel(id))));
            }
            case "cancel-with-dependents" -> {
                requireMethod(exchange, "POST", true);
                exchange.readEmpty(smallBody);
                List<Build> canceled = services.graphs().cancelWithDependents(id);
                for (Build build : canceled) {
                    canceled(build);
                }
                exchange.json(200, buildList(canceled));
            }
            case "input-priority" -> {
                requireMethod(exchange, "PUT", true);
                PriorityBody body = exchange.readJson(PriorityBody.class, smallBody);
                exchange.json(200, buildList(services.graphs().raiseInputPriority(id, body.priority())));
            }
            case "waiting" -> {
                requireMethod(exchange, "GET", true);
                exchange.json(200, Wire.waiting(services.graphs().waiting(id)));
            }
            case "graph" -> {
                requireMethod(exchange, "GET", true);
                int max = exchange.query("max").map(text -> number(text, "max")).orElse(GRAPH_NODES);
                if (max < 1 || max > MAX_GRAPH_NODES) {
                    throw new InvalidRequestException("max is between 1 and " + MAX_GRAPH_NODES + ", not " + max);
                }
                exchange.json(200, Wire.graph(services.graphs().graph(id, max)));
            }
            case "retry" -> {
                requireMethod(exchange, "POST", true);
                exchange.readEmpty(smallBody);
                exchange.json(200, buildInfo(services.builds().retry(id)));
            }
            case "priority" -> {
                requireMethod(exchange, "PUT", true);
                PriorityBody body = exchange.readJson(PriorityBody.class, smallBody);
                exchange.json(200, buildInfo(services.builds().changePriority(id, body.priority())));
            }
            case "log" -> {
                requireMethod(exchange, "GET", true);
                log(exchange, id);
            }
            case "tags" -> {
                requireMethod(exchange, "PUT", true);
                TagsBody body = exchange.readJson(TagsBody.class, smallBody);
                Set<String> remove = new HashSet<>();
                for (String key : Wire.list(body.remove())) {
                    remove.add(new Tag(key, "").key());
                }
                exchange.json(200, buildInfo(services.builds().tag(id, Wire.tags(body.tags()), remove)));
            }
            default -> throw HttpFailure.notFound(exchange.path());
        }
    }

    private void submit(Exchange exchange) throws HttpFailure, IOException {
        SubmitBody body = exchange.readJson(SubmitBody.class, maxJsonBytes);
        SubmittedDerivations.Checked checked = submittedDerivations.check(Wire.list(body.derivations()),
                services.derivations());
        List<DerivationSummary> derivations = checked.derivations();
        List<BuildSubmission> submissions = new ArrayList<>();
        for (BuildRequest request : Wire.list(body.builds())) {
            if (request == null || request.derivation() == null) {
                throw new InvalidRequestException("a build needs a derivation");
            }
            SubmittedDerivations.storePath(request.derivation());
            SubmitOptions options = new SubmitOptions(request.priority(), Wire.tags(request.tags()),
                    Wire.tags(request.requiredAgentTags()), request.ignoreIfDerivationExists(),
                    request.ignoreIfOutputsExist(), request.deferUntil(), Wire.limits(request));
            submissions.add(new BuildSubmission(request.derivation(), options));
        }
        if (submissions.isEmpty() && derivations.isEmpty()) {
            throw new InvalidRequestException("nothing to submit: no derivations and no builds");
        }
        List<SubmitResult> results = services.builds().submit(new SubmitRequest(derivations, submissions));
        submittedDerivations.stored(checked);
        services.cache().derivationsKnown(derivations.stream().map(DerivationSummary::path).toList());
        exchange.json(200, new SubmitAnswer(results.stream().map(result -> new dev.kiln.protocol.SubmitResult(
                result.derivationPath(), result.buildId(), Wire.outcome(result.outcome()))).toList()));
    }

    private void list(Exchange exchange) throws IOException {
        int limit = exchange.query("limit").map(text -> number(text, "limit")).orElse(DEFAULT_PAGE);
        BuildQuery query = filter(exchange, limit);
        String order = exchange.query("order").orElse("desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new InvalidRequestException("order is asc or desc, not " + order);
        }
        query = query.sortedBy(BuildSort.fromId(exchange.query("sort").orElse(BuildSort.SUBMITTED.id())),
                order.equals("asc")).withCursor(exchange.query("cursor").orElse(null));
        BuildPage page = services.builds().list(query);
        Long total = exchange.query("total").map(Boolean::parseBoolean).orElse(false)
                ? total(services.builds().counts(query)) : null;
        Map<UUID, String> unallocatable = services.plans().unallocatable(page.builds().stream()
                .filter(build -> build.state() == BuildState.SCHEDULED).map(Build::id).toList());
        exchange.json(200, new BuildList(page.builds().stream()
                .map(build -> buildInfo(build, unallocatable.get(build.id()))).toList(), page.nextCursor(), total));
    }

    /** The build filters of the query string: state (comma-separated), system, tag, derivation, agent. */
    private BuildQuery filter(Exchange exchange, int limit) {
        BuildQuery query = BuildQuery.all(limit);
        String state = exchange.query("state").orElse(null);
        if (state != null) {
            Set<BuildState> states = new HashSet<>();
            for (String one : state.split(",")) {
                states.add(BuildState.fromId(one));
            }
            query = query.withStates(states);
        }
        query = query.withSystem(exchange.query("system").orElse(null));
        if (exchange.query("tag").isPresent()) {
            query = query.withTag(Tag.parse(exchange.query("tag").get()));
        }
        query = query.withDerivationPath(exchange.query("derivation").orElse(null));
        if (exchange.query("agent").isPresent()) {
            String agent = exchange.query("agent").get();
            // An id as it is: the builds of a removed agent keep it.
            query = query.withAgentId(agent.length() == 36 && agent.indexOf('-') == 8 ? Wire.uuid(agent, "agent")
                    : services.agents().find(agent).id());
        }
        return query;
    }

    private static long total(Map<BuildState, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static int number(String text, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(what + " is not a number: " + text);
        }
    }

    /** A canceled build lets go of its log and of its uploads in progress. */
    private Build canceled(Build build) throws IOException {
        services.logs().finish(build.id());
        services.cache().discardUploads(build.id());
        return build;
    }

    /** Builds changed by one action, all on one page. */
    private BuildList buildList(List<Build> builds) {
        return new BuildList(builds.stream().map(this::buildInfo).toList(), null, (long) builds.size());
    }

    /** One build in full: with its attempts, the exit status of its failure, the dependency it waits on. */
    dev.kiln.protocol.BuildInfo buildInfo(Build build) {
        String unallocatable = build.state() == BuildState.SCHEDULED
                ? services.plans().unallocatable(List.of(build.id())).get(build.id()) : null;
        List<OutputMetadata> outputs = build.state() == BuildState.SUCCEEDED
                ? services.builds().outputs(build.id()) : List.of();
        Build failedDependency = build.state() == BuildState.DEPENDENCY_FAILED
                ? services.builds().failedDependency(build.id()).orElse(null) : null;
        List<BuildAttempt> attempts = services.builds().attempts(build.id());
        Map<UUID, String> agentNames = new HashMap<>();
        for (BuildAttempt attempt : attempts) {
            agentNames.computeIfAbsent(attempt.agentId(), this::agentName);
        }
        return Wire.build(build, outputs, unallocatable, failedDependency, attempts, agentNames);
    }

    /** The name of an agent, or null when it was removed. */
    String agentName(UUID agentId) {
        try {
            return services.agents().get(agentId).name();
        } catch (NotFoundException e) {
            return null;
        }
    }

    private dev.kiln.protocol.BuildInfo buildInfo(Build build, String unallocatable) {
        List<OutputMetadata> outputs = build.state() == BuildState.SUCCEEDED
                ? services.builds().outputs(build.id()) : List.of();
        return Wire.build(build, outputs, unallocatable);
    }

    /** The whole log so far; with {@code follow=true}, new bytes as they come until the build is final. */
    private void log(Exchange exchange, UUID id) throws IOException {
        Build build = services.builds().get(id);
        boolean follow = exchange.query("follow").map(Boolean::parseBoolean).orElse(false);
        try (OutputStream out = exchange.stream(200, "text/plain; charset=utf-8")) {
            if (!follow) {
                var log = services.logs().open(id);
                if (log.isPresent()) {
                    try (InputStream in = log.get()) {
                        in.transferTo(out);
                    }
                }
                return;
            }
            InputStream in = null;
            try {
                byte[] buffer = new byte[64 * 1024];
                while (true) {
                    boolean finalBefore = build.state().isFinal() || build.state() == BuildState.DEPENDENCY_FAILED;
                    if (in == null) {
                        in = services.logs().open(id).orElse(null);
                    }
                    if (in != null) {
                        int read;
                        while ((read = in.read(buffer)) > 0) {
                            out.write(buffer, 0, read);
                        }
                    }
                    out.flush();
                    if (finalBefore) {
                        return;
                    }
                    sleep(FOLLOW_POLL_MILLIS);
                    if (exchange.clientGone()) {
                        LOG.debug("Stopped following the log of build {}: its reader went away", id);
                        return;
                    }
                    build = services.builds().get(id);
                }
            } finally {
                if (in != null) {
                    in.close();
                }
            }
        }
    }

    private void tokens(Exchange exchange, String method, String[] parts) throws HttpFailure, IOException {
        if (parts.length == 1 && method.equals("POST")) {
            Optional<String> label = exchange.readOptionalJson(TokenBody.class, smallBody).map(TokenBody::label);
            ClientTokens.Created created = tokens.create(label);
            TokenInfo info = created.token().info();
            exchange.json(201, new TokenAnswer(created.value(), info.id(), info.label(), info.created()));
        } else if (parts.length == 1) {
            requireMethod(exchange, "GET", true);
            exchange.json(200, new TokenList(tokens.list().stream().map(ClientTokens.Token::info).toList()));
        } else {
            requireMethod(exchange, "DELETE", parts.length == 2);
            exchange.json(200, tokens.revoke(parts[1]).info());
        }
    }

    private void derivations(Exchange exchange, String method, String[] parts) throws HttpFailure, IOException {
        if (parts.length == 2 && parts[1].equals("missing")) {
            requireMethod(exchange, "POST", true);
            PathsBody body = exchange.readJson(PathsBody.class, maxJsonBytes);
            List<String> paths = Wire.list(body.paths());
            Set<String> known = services.derivations().known(paths);
            exchange.json(200, new MissingAnswer(paths.stream().filter(p -> !known.contains(p)).distinct().toList()));
            return;
        }
        requireMethod(exchange, "GET", parts.length == 1);
        String path = exchange.query("path").orElseThrow(() -> HttpFailure.badRequest("the query needs ?path=<.drv path>"));
        DerivationSummary summary = services.derivations().get(path);
        exchange.text(200, "application/json", showDerivation(summary));
    }

    /** The value {@code nix show-derivation} shows for the derivation, by the store's own rendering, on one line. */
    private static String showDerivation(DerivationSummary summary) throws IOException {
        try {
            Derivation derivation = Derivation.parse(SubmittedDerivations.storePath(summary.path()),
                    summary.aterm().getBytes(StandardCharsets.UTF_8));
            String json = StoreCommands.showDerivation(derivation);
            return ProtocolJson.writeString(ProtocolJson.read(json.getBytes(StandardCharsets.UTF_8), Map.class));
        } catch (DerivationFormatException e) {
            throw new IOException("stored derivation " + summary.path() + " does not parse", e);
        }
    }

    private void agents(Exchange exchange, String method, String[] parts) throws HttpFailure, IOException {
        if (parts.length == 1) {
            switch (method) {
                case "POST" -> {
                    NewAgentBody body = exchange.readJson(NewAgentBody.class, smallBody);
                    AgentCredentials created = services.agents().create(new NewAgent(body.name(), body.description(),
                            new HashSet<>(Wire.list(body.systems())), Wire.tags(body.tags())));
                    exchange.json(201, new AgentPassword(created.agent().id(), created.password()));
                }
                case "GET" -> {
                    Instant now = Instant.now();
                    Map<UUID, AgentActivity> activity = services.agents().activity();
                    exchange.json(200, new AgentList(services.agents().list().stream()
                            .map(agent -> Wire.agent(agent, activity.get(agent.id()), now)).toList()));
                }
                default -> throw methodNotAllowed(exchange);
            }
            return;
        }
        UUID id = services.agents().find(parts[1]).id();
        if (parts.length == 2) {
            switch (method) {
                case "GET" -> exchange.json(200, Wire.agent(services.agents().get(id),
                        services.agents().activity().get(id), Instant.now()));
                case "DELETE" -> {
                    exchange.readEmpty(smallBody);
                    exchange.json(200, Wire.agent(services.agents().remove(id), Instant.now()));
                }
                default -> throw methodNotAllowed(exchange);
            }
            return;
        }
        requireMethod(exchange, "POST", parts.length == 3);
        exchange.readEmpty(smallBody);
        switch (parts[2]) {
            case "password" -> {
                AgentCredentials credentials = services.agents().newPassword(id);
                exchange.json(200, new AgentPassword(id, credentials.password()));
            }
            case "activate" -> exchange.json(200, Wire.agent(services.agents().activate(id), Instant.now()));
            case "deactivate" -> {
                boolean now = Wire.bool(exchange.query("now").orElse("false"), "now");
                exchange.json(200, Wire.agent(services.agents().deactivate(id, now), Instant.now()));
            }
            default -> throw HttpFailure.notFound(exchange.path());
        }
    }

    private void plan(Exchange exchange) throws IOException {
        List<AgentPlanInfo> agents = new ArrayList<>();
        for (AgentPlan plan : services.plans().plans(PLAN_LIMIT)) {
            agents.add(new AgentPlanInfo(plan.agentId(), plan.builds().stream()
                    .map(b -> new PlannedBuildInfo(b.buildId(), b.derivationPath(), b.priority())).toList()));
        }
        exchange.json(200, new PlanInfo(agents));
    }

    /**
     * Server-Sent Events: first the events after {@code Last-Event-ID} (or {@code ?after=}), then each new one as it
     * is committed. The subscription is made before the backlog is read, so nothing falls between the two.
     */
    private void events(Exchange exchange) throws IOException {
        String start = exchange.header("Last-Event-ID").or(() -> exchange.query("after")).orElse(null);
        long after;
        if (start == null) {
            after = services.events().latestId();
        } else {
            try {
                after = Long.parseLong(start.trim());
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("Last-Event-ID is not an event id: " + start);
            }
        }
        BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        exchange.setHeader(HttpHeader.CACHE_CONTROL, "no-cache");
        try (EventSubscription subscription = services.events().subscribe(queue::addAll);
                OutputStream out = exchange.stream(200, "text/event-stream")) {
            out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            long last = after;
            List<Event> backlog;
            do {
                backlog = services.events().after(last, EVENT_BATCH);
                for (Event event : backlog) {
                    last = send(out, event);
                }
            } while (backlog.size() == EVENT_BATCH);
            out.flush();
            long quietSince = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                Event event = queue.poll(CLIENT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                if (event != null && event.id() > last) {
                    last = send(out, event);
                    out.flush();
                    quietSince = System.nanoTime();
                } else if (exchange.clientGone()) {
                    LOG.debug("Event stream ended: its reader went away");
                    return;
                } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(KEEPALIVE_SECONDS)) {
                    out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    quietSince = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long send(OutputStream out, Event event) throws IOException {
        String frame = "id: " + event.id() + "\nevent: " + event.type().id() + "\ndata: "
                + ProtocolJson.writeString(Wire.event(event)) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        return event.id();
    }

    static void requireMethod(Exchange exchange, String method, boolean pathMatches) throws HttpFailure {
        if (!pathMatches) {
            throw HttpFailure.notFound(exchange.path());
        }
        if (!exchange.method().equals(method)) {
            throw methodNotAllowed(exchange);
        }
    }

    static HttpFailure methodNotAllowed(Exchange exchange) {
        return new HttpFailure(405, "method not allowed", exchange.method() + " " + exchange.path());
    }

    private static void sleep(long millis) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while following a log");
        }
    }

    private static CacheReportInfo cacheReport(CacheReport report) {
        return new CacheReportInfo(report.paths(), report.narBytes(), report.faults().stream()
                .map(fault -> new CacheFaultInfo(fault.path(), fault.kind().name().toLowerCase(Locale.ROOT)
                        .replace('_', '-'), fault.detail()))
                .toList());
    }
}
