package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Agent;
import dev.kiln.api.AgentDeactivatedException;
import dev.kiln.api.ConflictException;
import dev.kiln.api.DatastoreUnavailableException;
import dev.kiln.api.IllegalTransitionException;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotAllocatedToAgentException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.PlanStatistics;
import dev.kiln.cache.CacheRetention;
import dev.kiln.cache.RetentionStatistics;
import dev.kiln.cache.UploadException;
import dev.kiln.cache.storage.StoreUnavailableException;
import dev.kiln.hooks.api.admin.HookAdmin;
import dev.kiln.hooks.api.admin.HookStatus;

/**
 * Routes a request by the port it came in on and its path, authenticates it, and turns every error a client can cause
 * into a 4xx with a JSON body. Runs on virtual threads: handlers block.
 */
final class RootHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(RootHandler.class);

    private final Services services;
    private final ClientApi clientApi;
    private final AgentApi agentApi;
    private final CacheRoutes cache;
    private final JobsetRoutes jobsets;
    private final Extensions extensions;
    private final ClientTokens tokens;
    private final Metrics metrics;
    private final boolean readsNeedToken;
    private final LoginThrottle logins = LoginThrottle.forThisMachine();
    private final HealthProbe health;

    RootHandler(Services services, ClientApi clientApi, AgentApi agentApi, CacheRoutes cache, JobsetRoutes jobsets,
            Extensions extensions, ClientTokens tokens, Metrics metrics, boolean readsNeedToken) {
        this.services = services;
        this.clientApi = clientApi;
        this.agentApi = agentApi;
        this.cache = cache;
        this.jobsets = jobsets;
        this.extensions = extensions;
        this.tokens = tokens;
        this.metrics = metrics;
        this.readsNeedToken = readsNeedToken;
        this.health = new HealthProbe(services.events(), System::nanoTime);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        Exchange exchange = new Exchange(request, response);
        String route = "other";
        try {
            route = route(exchange);
            dispatch(exchange);
            callback.succeeded();
            if (health.faulty()) {
                // Probes again, at most every few seconds, so that the end of a fault is said without /healthz.
                health.fault();
            }
        } catch (HttpFailure failure) {
            answer(exchange, failure, callback);
        } catch (InvalidRequestException e) {
            answer(exchange, HttpFailure.badRequest(e.getMessage()), callback);
        } catch (NotFoundException e) {
            answer(exchange, HttpFailure.notFound(e.getMessage()), callback);
        } catch (NotAllocatedToAgentException e) {
            answer(exchange, new HttpFailure(403, "forbidden", e.getMessage()), callback);
        } catch (IllegalTransitionException | ConflictException e) {
            answer(exchange, new HttpFailure(409, "conflict", e.getMessage()), callback);
        } catch (AgentDeactivatedException e) {
            answer(exchange, new HttpFailure(403, "deactivated", e.getMessage()), callback);
        } catch (EofException e) {
            LOG.debug("{} {}: the client went away", exchange.method(), exchange.path());
            callback.failed(e);
        } catch (DatastoreUnavailableException e) {
            // Said once by the health probe, not once a request.
            health.unavailable(e);
            LOG.debug("{} {}: {}", exchange.method(), exchange.path(), e.getMessage());
            metrics.unavailable();
            exchange.setHeader(HttpHeader.RETRY_AFTER, Long.toString(HealthProbe.RETRY_AFTER_SECONDS));
            answer(exchange, new HttpFailure(503, "datastore unavailable", e.getMessage()), callback);
        } catch (StoreUnavailableException e) {
            LOG.warn("{} {}: {}", exchange.method(), exchange.path(), e.getMessage());
            answer(exchange, new HttpFailure(503, "store unavailable", e.getMessage()), callback);
        } catch (IOException | RuntimeException e) {
            if (e.getCause() instanceof TimeoutException) {
                // A client silent for the idle timeout: its own connection is closed, nothing went wrong here.
                LOG.debug("{} {}: {}", exchange.method(), exchange.path(), e.getCause().getMessage());
                answer(exchange, new HttpFailure(408, "request timeout",
                        "the connection was silent for the idle timeout"), callback);
                return true;
            }
            LOG.error("{} {} failed", exchange.method(), exchange.path(), e);
            if (exchange.isCommitted()) {
                callback.failed(e);
            } else {
                answer(exchange, new HttpFailure(500, "internal error", e.toString()), callback);
            }
        } finally {
            metrics.observe(route, System.nanoTime() - started);
        }
        return true;
    }

    private void dispatch(Exchange exchange) throws HttpFailure, IOException {
        String path = exchange.path();
        boolean client = exchange.connector().equals(JettyHttpServer.CLIENT_CONNECTOR);
        // Before any credentials are looked at: an agent's password is no client token, nor a token an agent's.
        if (client && path.startsWith("/agent/v1/")) {
            throw HttpFailure.notFound(path + ": this is the coordinator's client API; agents talk to its agent API "
                    + "(kiln coordinator --agent-listen, port 8745 unless changed)");
        }
        if (!client && path.startsWith("/api/v1/")) {
            throw HttpFailure.notFound(path + ": this is the coordinator's agent API; commands talk to its client API "
                    + "(kiln coordinator --client-listen, port 8746 unless changed)");
        }
        // A wrong token is refused wherever it is sent, so that a script learns of it before it needs the token.
        boolean authenticated = client && checkOfferedToken(exchange);
        if (path.equals("/healthz")) {
            if (!exchange.method().equals("GET") && !exchange.method().equals("HEAD")) {
                throw ClientApi.methodNotAllowed(exchange);
            }
            Optional<String> fault = health.fault();
            if (fault.isPresent()) {
                exchange.json(503, Map.of("status", "unhealthy", "detail", fault.get()));
            } else {
                exchange.json(200, Map.of("status", "ok"));
            }
        } else if (client && path.equals("/metrics")) {
            requireToken(exchange, authenticated || !readsNeedToken);
            ClientApi.requireMethod(exchange, "GET", true);
            exchange.text(200, "text/plain; version=0.0.4; charset=utf-8", metricsText());
        } else if (client && path.startsWith("/api/v1/")) {
            requireToken(exchange, authenticated || !readsNeedToken && isRead(exchange));
            clientApi.handle(exchange, parts(path.substring("/api/v1/".length()), exchange));
        } else if (client && path.equals("/webhook")) {
            // Forges prove themselves by the signature of the body, not with a client token.
            jobsets.webhook(exchange);
        } else if (client && path.startsWith("/jobset/") && path.endsWith("/hook/evaluate")) {
            // A forge is never on the coordinator's machine: its hook always needs a token.
            requireToken(exchange, authenticated);
            String[] parts = parts(path.substring("/jobset/".length()), exchange);
            if (parts.length != 3) {
                throw HttpFailure.notFound(path);
            }
            jobsets.forgeHook(exchange, parts[0]);
        } else if (!client && path.startsWith("/agent/v1/")) {
            UUID agent = authenticateAgent(exchange);
            agentApi.handle(exchange, agent, parts(path.substring("/agent/v1/".length()), exchange));
        } else if (CacheRoutes.owns(path)) {
            if (CacheRoutes.isUpload(exchange)) {
                if (!client) {
                    throw ClientApi.methodNotAllowed(exchange);
                }
                requireToken(exchange, authenticated);
                cache.put(exchange);
            } else {
                cache.get(exchange);
            }
        } else {
            throw HttpFailure.notFound(path);
        }
    }

    /** A request that changes nothing: a GET, or the question which derivations the coordinator lacks. */
    private static boolean isRead(Exchange exchange) {
        return exchange.method().equals("GET") || exchange.method().equals("HEAD")
                || exchange.path().equals("/api/v1/derivations/missing");
    }

    private static String[] parts(String rest, Exchange exchange) throws HttpFailure {
        String[] parts = rest.split("/", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw HttpFailure.notFound(exchange.path());
            }
        }
        return parts;
    }

    /**
     * Whether the request carries a valid client token, as {@code Authorization: Bearer} or as the password of HTTP
     * Basic (what Nix's netrc sends); a token that is not valid is refused at once.
     */
    private boolean checkOfferedToken(Exchange exchange) throws HttpFailure {
        Optional<String> token = exchange.bearerToken().or(() -> exchange.basicCredentials().map(c -> c[1]));
        if (token.isEmpty()) {
            return false;
        }
        if (!tokens.isValid(token.get())) {
            exchange.setHeader(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"kiln\"");
            throw new HttpFailure(401, "unauthorized", "the client token is not valid (revoked, or of another coordinator)");
        }
        return true;
    }

    private static void requireToken(Exchange exchange, boolean allowed) throws HttpFailure {
        if (!allowed) {
            exchange.setHeader(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"kiln\"");
            throw new HttpFailure(401, "unauthorized", exchange.method() + " " + exchange.path()
                    + " needs a client token (Authorization: Bearer <token>; kiln: --token or KILN_TOKEN)");
        }
    }

    /** Every request is checked: a new password or a removal takes effect at the next request. */
    private UUID authenticateAgent(Exchange exchange) throws HttpFailure {
        String[] credentials = exchange.basicCredentials().orElse(null);
        if (credentials == null) {
            throw agentUnauthorized(exchange, "the agent API needs HTTP Basic authentication with the agent's id and password");
        }
        UUID agent;
        try {
            agent = UUID.fromString(credentials[0]);
        } catch (IllegalArgumentException e) {
            throw agentUnauthorized(exchange, "the user is not an agent id: " + credentials[0]);
        }
        String header = exchange.header(HttpHeader.AUTHORIZATION).orElse("");
        if (!logins.check(exchange, agent, header, () -> services.agents().authenticate(agent, credentials[1]))) {
            throw agentUnauthorized(exchange, "wrong password for agent " + agent + ", or no such agent (removed?)");
        }
        return agent;
    }

    private static HttpFailure agentUnauthorized(Exchange exchange, String detail) {
        exchange.setHeader(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"kiln-agent\", charset=\"UTF-8\"");
        return new HttpFailure(401, "unauthorized", detail);
    }

    private String metricsText() {
        StringBuilder out = new StringBuilder();
        PlanStatistics plan = services.plans().statistics();
        List<Map.Entry<String, Long>> builds = List.of(
                new SimpleEntry<>("{state=\"scheduled\",plan=\"ready\"}", (long) plan.ready()),
                new SimpleEntry<>("{state=\"scheduled\",plan=\"blocked\"}", (long) plan.blocked()),
                new SimpleEntry<>("{state=\"scheduled\",plan=\"deferred\"}", (long) plan.deferred()),
                new SimpleEntry<>("{state=\"allocated\",plan=\"allocated\"}", (long) plan.allocated()),
                new SimpleEntry<>("{state=\"started\",plan=\"started\"}", (long) plan.started()));
        Metrics.gauge(out, "kiln_builds", "Pending builds by state", builds);
        Metrics.gauge(out, "kiln_plan_size", "Builds in the allocation plan, ready to be fetched",
                List.of(new SimpleEntry<>("", (long) plan.ready())));
        boolean datastoreUp = health.fault().isEmpty();
        Metrics.gauge(out, "kiln_datastore_up", "1 while the datastore takes writes, 0 while it does not (see /healthz)",
                List.of(new SimpleEntry<>("", datastoreUp ? 1L : 0L)));
        Instant now = Instant.now();
        Map<String, Long> byStatus = new TreeMap<>(Map.of("online", 0L, "offline", 0L, "inactive", 0L));
        try {
            for (Agent agent : services.agents().list()) {
                byStatus.merge(Wire.agent(agent, now).status().toString(), 1L, Long::sum);
            }
            List<Map.Entry<String, Long>> agents = new ArrayList<>();
            byStatus.forEach((status, count) -> agents.add(new SimpleEntry<>("{status=\"" + status + "\"}", count)));
            Metrics.gauge(out, "kiln_agents", "Agents by status", agents);
        } catch (DatastoreUnavailableException e) {
            // The agents are in the datastore: left out while it cannot be read, the rest is still told.
            health.unavailable(e);
        }
        HookAdmin hooks = extensions.hooks().get();
        if (hooks != null) {
            List<Map.Entry<String, Long>> queued = new ArrayList<>();
            List<Map.Entry<String, Long>> failures = new ArrayList<>();
            for (HookStatus hook : hooks.list()) {
                hook.queueLengths().forEach((type, length) -> queued.add(new SimpleEntry<>(
                        "{hook=\"" + hook.name() + "\",event=\"" + type + "\"}", (long) length)));
                failures.add(new SimpleEntry<>("{hook=\"" + hook.name() + "\"}", hook.failures()));
            }
            Metrics.gauge(out, "kiln_hook_queue_length", "Events waiting for a hook, by hook and event type", queued);
            Metrics.gauge(out, "kiln_hook_failures", "Failed hook calls since the coordinator started", failures);
        }
        CacheRetention running = extensions.retention().get();
        if (running != null) {
            retentionMetrics(out, running.statistics());
        }
        metrics.write(out);
        return out.toString();
    }

    private static void retentionMetrics(StringBuilder out, RetentionStatistics retention) {
        Metrics.gauge(out, "kiln_cache_kept_objects", "NAR objects in the cache's store after the last garbage "
                + "collection", List.of(new SimpleEntry<>("", retention.keptObjects())));
        Metrics.gauge(out, "kiln_cache_kept_bytes", "Bytes of NAR objects in the cache's store after the last garbage "
                + "collection", List.of(new SimpleEntry<>("", retention.keptBytes())));
        Metrics.counter(out, "kiln_gc_reclaimed_objects_total", "NAR objects the garbage collector deleted",
                retention.reclaimedObjects());
        Metrics.counter(out, "kiln_gc_reclaimed_bytes_total", "Bytes of NAR objects the garbage collector deleted",
                retention.reclaimedBytes());
        Metrics.counter(out, "kiln_gc_runs_total", "Garbage collections finished", retention.runs());
        out.append("# HELP kiln_gc_last_duration_seconds How long the last garbage collection took\n");
        out.append("# TYPE kiln_gc_last_duration_seconds gauge\n");
        out.append("kiln_gc_last_duration_seconds ").append(String.format(Locale.ROOT, "%.3f",
                retention.lastDuration().toNanos() / 1e9)).append('\n');
    }

    /** A short name of the route, for the latency histogram: ids left out. */
    private static String route(Exchange exchange) {
        String path = exchange.path();
        String[] parts = path.split("/");
        StringBuilder route = new StringBuilder(exchange.method()).append(' ');
        if (path.startsWith("/api/v1/") || path.startsWith("/agent/v1/")) {
            for (int i = 1; i < parts.length && i < 6; i++) {
                route.append('/').append(parts[i].length() == 36 ? "{id}" : parts[i].length() > 20 ? "{name}" : parts[i]);
            }
            return route.toString().replace("\"", "");
        }
        if (path.endsWith(".narinfo")) {
            return route.append("/{hash}.narinfo").toString();
        }
        if (path.startsWith("/nar/")) {
            return route.append("/nar/{file}").toString();
        }
        if (path.startsWith("/log/")) {
            return route.append("/log/{drv}").toString();
        }
        return route.append(path.length() > 20 ? "other" : path.replace("\"", "")).toString();
    }

    static HttpFailure failure(UploadException e) {
        return switch (e.reason()) {
            case WRONG_OFFSET -> new HttpFailure(409, "wrong offset", e.getMessage());
            case CORRUPT -> new HttpFailure(422, "corrupt upload", e.getMessage());
            case INVALID -> HttpFailure.badRequest(e.getMessage());
            case MISSING -> new HttpFailure(409, "not uploaded", e.getMessage());
        };
    }

    private static void answer(Exchange exchange, HttpFailure failure, Callback callback) {
        if (exchange.isCommitted()) {
            callback.failed(failure);
            return;
        }
        try {
            exchange.error(failure);
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }
}
