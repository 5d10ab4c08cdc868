package dev.kiln.transport.jetty.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;

import dev.kiln.api.AgentLoad;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildState;
import dev.kiln.api.FailureKind;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotAllocatedToAgentException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.SetupFailureKind;
import dev.kiln.cache.UploadException;
import dev.kiln.protocol.AttemptLog;
import dev.kiln.protocol.FailureBody;
import dev.kiln.protocol.FetchAnswer;
import dev.kiln.protocol.FetchBody;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.SetupFailureBody;
import dev.kiln.protocol.StatusAnswer;
import dev.kiln.protocol.StatusBody;
import dev.kiln.protocol.SuccessBody;
import dev.kiln.protocol.UploadProgress;
import dev.kiln.protocol.UploadedOutput;

/** The agent API under {@code /agent/v1/}; every request is an authenticated agent's. */
final class AgentApi {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18}|\\*)/(\\d{1,18}|\\*)");
    private static final long SMALL_BODY_LIMIT = 1024 * 1024;

    private final Services services;
    private final Metrics metrics;
    private final long maxJsonBytes;
    private final long smallBody;

    AgentApi(Services services, Metrics metrics, long maxJsonBytes) {
        this.services = services;
        this.metrics = metrics;
        this.maxJsonBytes = maxJsonBytes;
        this.smallBody = Math.min(SMALL_BODY_LIMIT, maxJsonBytes);
    }

    /** Serves a path below {@code /agent/v1/}, given without that prefix. */
    void handle(Exchange exchange, UUID agent, String[] parts) throws HttpFailure, IOException {
        switch (parts[0]) {
            case "fetch" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 1);
                fetch(exchange, agent);
            }
            case "status" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 1);
                status(exchange, agent);
            }
            case "restarted" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 1);
                exchange.readEmpty(smallBody);
                services.agents().restarted(agent);
                exchange.noContent();
            }
            case "derivations" -> {
                ClientApi.requireMethod(exchange, "GET", parts.length == 1);
                String path = exchange.query("path")
                        .orElseThrow(() -> HttpFailure.badRequest("the query needs ?path=<.drv path>"));
                exchange.text(200, "text/plain; charset=utf-8", services.derivations().get(path).aterm());
            }
            case "builds" -> {
                if (parts.length < 3) {
                    throw HttpFailure.notFound(exchange.path());
                }
                build(exchange, agent, Wire.uuid(parts[1], "build"), parts);
            }
            default -> throw HttpFailure.notFound(exchange.path());
        }
    }

    private void fetch(Exchange exchange, UUID agent) throws HttpFailure, IOException {
        FetchBody body = exchange.readJson(FetchBody.class, smallBody);
        // It asks for as many builds as it has slots, counting those it holds and has not started: those its builders
        // run are not free.
        reportLoad(agent, body.load(), body.running() == null ? body.freeSlots()
                : Math.max(0, body.freeSlots() - body.running()), null, null);
        services.agents().alive(agent, List.of());
        List<Build> builds = services.agentBuilds().fetch(agent,
                new FetchRequest(new HashSet<>(Wire.list(body.systems())), body.freeSlots(),
                        new HashSet<>(Wire.list(body.features())), new HashSet<>(Wire.list(body.mandatoryFeatures())),
                        body.speedFactor() == null ? 1 : body.speedFactor()));
        List<FetchedBuild> fetched = new ArrayList<>(builds.size());
        for (Build build : builds) {
            fetched.add(new FetchedBuild(build.id(), build.derivationPath(),
                    services.derivations().get(build.derivationPath()).aterm(), build.system(),
                    Wire.limits(build.limits())));
        }
        exchange.json(200, new FetchAnswer(fetched));
    }

    private void status(Exchange exchange, UUID agent) throws HttpFailure, IOException {
        StatusBody body = exchange.readJson(StatusBody.class, smallBody);
        services.agents().heartbeat(agent);
        reportLoad(agent, body.load(), body.freeSlots(), body.freeDisk(), body.idle());
        List<UUID> abandon = new ArrayList<>();
        List<UUID> held = new ArrayList<>();
        for (UUID running : Wire.list(body.running())) {
            UUID id = running;
            try {
                Build build = services.builds().get(running);
                if (!agent.equals(build.agentId())
                        || (build.state() != BuildState.ALLOCATED && build.state() != BuildState.STARTED)) {
                    abandon.add(running);
                } else {
                    held.add(id);
                }
            } catch (NotFoundException e) {
                abandon.add(running);
            }
        }
        services.agents().alive(agent, held);
        exchange.json(200, new StatusAnswer(abandon));
    }

    /** Keeps the load an agent reported; an agent too old to send it, or a value out of range, is left out. */
    private void reportLoad(UUID agent, Double load, Integer freeSlots, Long freeDisk, String idle) {
        if (load != null && freeSlots != null && load >= 0 && !load.isInfinite() && freeSlots >= 0
                && freeSlots <= FetchRequest.MAX_FREE_SLOTS) {
            services.agents().reportLoad(agent, new AgentLoad(load, freeSlots, Instant.now(),
                    freeDisk == null || freeDisk < 0 ? null : freeDisk,
                    idle == null || idle.isBlank() ? null : idle.substring(0, Math.min(idle.length(), 200))));
        }
    }

    private void build(Exchange exchange, UUID agent, UUID id, String[] parts) throws HttpFailure, IOException {
        switch (parts[2]) {
            case "start" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 3);
                exchange.readEmpty(smallBody);
                services.agentBuilds().reportStarted(agent, id);
                headLog(agent, id);
                exchange.noContent();
            }
            case "log" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 3);
                requireAllocated(agent, id);
                try (InputStream body = exchange.body()) {
                    metrics.bytesUploaded.add(services.logs().append(id, body));
                }
                exchange.noContent();
            }
            case "outputs" -> {
                if (parts.length != 4) {
                    throw HttpFailure.notFound(exchange.path());
                }
                output(exchange, agent, id, parts[3]);
            }
            case "success" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 3);
                success(exchange, agent, id);
            }
            case "failure" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 3);
                Optional<FailureBody> body = exchange.readOptionalJson(FailureBody.class, smallBody);
                FailureKind kind = body.map(FailureBody::kind).map(FailureKind::fromId).orElse(FailureKind.FAILED);
                services.agentBuilds().reportFailure(agent, id, kind, body.map(FailureBody::exitStatus).orElse(null));
                metrics.failed(kind.id());
                services.logs().finish(id);
                services.cache().discardUploads(id);
                exchange.noContent();
            }
            case "setup-failure" -> {
                ClientApi.requireMethod(exchange, "POST", parts.length == 3);
                SetupFailureBody body = exchange.readJson(SetupFailureBody.class, maxJsonBytes);
                SetupFailureKind kind = setupFailureKind(body.kind());
                services.agentBuilds().reportSetupFailure(agent, id, kind, Wire.list(body.missingInputs()));
                exchange.noContent();
            }
            default -> throw HttpFailure.notFound(exchange.path());
        }
    }

    /**
     * Begins the attempt the agent just started in the build's log with its header line; from the second attempt on,
     * an empty line first sets it apart from the attempt before.
     */
    private void headLog(UUID agent, UUID id) throws IOException {
        List<BuildAttempt> attempts = services.builds().attempts(id);
        if (attempts.isEmpty()) {
            return;
        }
        BuildAttempt attempt = attempts.get(attempts.size() - 1);
        String agentName = services.agents().get(agent).name();
        String header = (attempt.number() > 1 ? "\n" : "")
                + new AttemptLog(attempt.number(), agentName, attempt.startedAt(), "").header() + "\n";
        services.logs().append(id, new ByteArrayInputStream(header.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code other} has no kind of its own in the API yet: it is recorded as outputs that could not be set up. */
    private static SetupFailureKind setupFailureKind(dev.kiln.protocol.SetupFailureKind kind) {
        if (kind == null) {
            throw new InvalidRequestException("a setup failure needs a kind");
        }
        return switch (kind) {
            case MISSING_INPUTS -> SetupFailureKind.MISSING_INPUTS;
            case COULD_NOT_DELETE_OUTPUTS, OTHER -> SetupFailureKind.COULD_NOT_DELETE_OUTPUTS;
        };
    }

    private void output(Exchange exchange, UUID agent, UUID id, String output) throws HttpFailure, IOException {
        requireAllocated(agent, id);
        try {
            switch (exchange.method()) {
                case "GET" -> exchange.json(200, new UploadProgress(services.cache().received(id, output)));
                case "PUT" -> {
                    long start = 0;
                    long total = -1;
                    var range = exchange.header(HttpHeader.CONTENT_RANGE);
                    if (range.isPresent()) {
                        Matcher matcher = CONTENT_RANGE.matcher(range.get().trim());
                        if (!matcher.matches()) {
                            throw HttpFailure.badRequest("Content-Range is not 'bytes START-END/TOTAL': " + range.get());
                        }
                        start = Long.parseLong(matcher.group(1));
                        total = matcher.group(3).equals("*") ? -1 : Long.parseLong(matcher.group(3));
                    }
                    long before = start;
                    long received;
                    try (InputStream body = exchange.body()) {
                        received = services.cache().write(id, output, start, total, body);
                    }
                    metrics.bytesUploaded.add(received - before);
                    exchange.json(200, new UploadProgress(received));
                }
                default -> throw ClientApi.methodNotAllowed(exchange);
            }
        } catch (UploadException e) {
            throw RootHandler.failure(e);
        }
    }

    private void success(Exchange exchange, UUID agent, UUID id) throws HttpFailure, IOException {
        SuccessBody body = exchange.readJson(SuccessBody.class, maxJsonBytes);
        requireAllocated(agent, id);
        List<OutputMetadata> outputs = new ArrayList<>();
        for (UploadedOutput output : Wire.list(body.outputs())) {
            if (output == null) {
                throw new InvalidRequestException("an output is null");
            }
            outputs.add(new OutputMetadata(output.name(), output.path(), output.narHash(), output.narSize(),
                    output.references()));
        }
        if (outputs.isEmpty()) {
            throw new InvalidRequestException("a successful build has outputs");
        }
        try {
            for (UploadedOutput output : body.outputs()) {
                services.cache().accept(id, output.name(), output.narHash(), output.narSize(), output.fileSize());
            }
        } catch (UploadException e) {
            throw RootHandler.failure(e);
        }
        services.agentBuilds().reportSuccess(agent, id, outputs);
        services.logs().finish(id);
        exchange.noContent();
    }

    /** Refuses a request of an agent for a build it does not hold; else the request is a sign of life of it. */
    private void requireAllocated(UUID agent, UUID id) {
        Build build = services.builds().get(id);
        if (!agent.equals(build.agentId()) || !build.state().isPending() || build.state() == BuildState.SCHEDULED) {
            throw new NotAllocatedToAgentException(id, agent);
        }
        services.agents().alive(agent, List.of(id));
    }
}
