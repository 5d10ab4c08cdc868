package dev.kiln.coordinator.internal;

import static dev.kiln.coordinator.internal.Lifecycle.data;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Agent;
import dev.kiln.api.AgentDeactivatedException;
import dev.kiln.api.AgentBuildService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildLimits;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.EventType;
import dev.kiln.api.FailureKind;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.IllegalTransitionException;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotAllocatedToAgentException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.SetupFailureKind;
import dev.kiln.api.allocation.Allocator;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreTransaction;

/** What agents do with builds: fetch them, report the start, the result or a setup failure. */
@Component(service = AgentBuildService.class, configurationPid = CoordinatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class AgentBuildLifecycle implements AgentBuildService {

    /** The first hold-back after a setup failure; it doubles with each further one. */
    static final Duration SETUP_FAILURE_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_SETUP_FAILURE_BACKOFF = Duration.ofMinutes(10);

    private static final Duration LAST_SEEN_GRANULARITY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(AgentBuildLifecycle.class);

    private final Datastore datastore;
    private final Allocator allocator;
    private final Clock clock;
    private final BuildLimits defaultLimits;

    @Activate
    public AgentBuildLifecycle(CoordinatorConfiguration configuration,
            @Reference(name = "datastore") Datastore datastore, @Reference(name = "allocator") Allocator allocator) {
        this(datastore, allocator, Clock.tickMillis(ZoneOffset.UTC), CoordinatorOptions.from(configuration)
                .defaultLimits());
    }

    private AgentBuildLifecycle(Datastore datastore, Allocator allocator, Clock clock, BuildLimits defaultLimits) {
        this.datastore = datastore;
        this.allocator = allocator;
        this.clock = clock;
        this.defaultLimits = defaultLimits;
    }

    /** An agent build service outside OSGi (benchmarks, tools), without default limits. */
    public static AgentBuildLifecycle create(Datastore datastore, Allocator allocator) {
        return new AgentBuildLifecycle(datastore, allocator, Clock.tickMillis(ZoneOffset.UTC), BuildLimits.UNSET);
    }

    @Override
    public List<Build> fetch(UUID agentId, FetchRequest request) {
        Instant now = clock.instant();
        Agent agent = datastore.read(reader -> reader.agent(agentId))
                .orElseThrow(() -> new NotFoundException("agent", agentId));
        if (lastSeenIsStale(agent, now)) {
            // A heartbeat: not worth a wait for the disk, and if a crash loses it, the agent's next fetch says it.
            datastore.writeLater(tx -> {
                tx.agent(agentId).ifPresent(found -> tx.updateAgent(found.withLastSeen(now)));
                return null;
            }).exceptionally(failure -> {
                LOG.warn("Cannot record when agent {} was last seen: {}", agentId, failure.getMessage());
                return null;
            });
        }
        if (!agent.active()) {
            throw new AgentDeactivatedException(agentId);
        }
        if (request.freeSlots() <= 0) {
            return List.of();
        }
        // The builds allocated to it and not started come again, first: the plan knows them without a query.
        return allocator.allocate(agentId, request).stream()
                .map(build -> build.withLimits(build.limits().orElse(defaultLimits)))
                .toList();
    }

    @Override
    public Build reportStarted(UUID agentId, UUID buildId) {
        return transition(agentId, buildId, "report the start of", Set.of(BuildState.ALLOCATED), (tx, build) -> {
            Instant now = clock.instant();
            Build started = build.withState(BuildState.STARTED, now).withStartedAt(now);
            tx.updateBuild(started);
            tx.saveAttempt(new BuildAttempt(buildId, tx.attempts(buildId).size() + 1, agentId, now, null));
            tx.appendEvent(EventType.BUILD_STARTED, now, buildId, agentId, data("derivation", build.derivationPath()));
            tx.afterCommit(() -> allocator.started(buildId));
            return started;
        });
    }

    @Override
    public Build reportSuccess(UUID agentId, UUID buildId, List<OutputMetadata> outputs) {
        return transition(agentId, buildId, "report the success of", Set.of(BuildState.STARTED), (tx, build) -> {
            Instant now = clock.instant();
            DerivationSummary derivation = tx.derivation(build.derivationPath())
                    .orElseThrow(() -> new IllegalStateException("build " + buildId + " has no derivation"));
            requireOutputsOf(derivation, outputs);
            Build succeeded = build.withState(BuildState.SUCCEEDED, now).withFinishedAt(now);
            tx.updateBuild(succeeded);
            tx.insertBuildOutputs(buildId, derivation.path(), outputs, now);
            StringBuilder paths = new StringBuilder();
            outputs.forEach(output -> paths.append(paths.isEmpty() ? "" : " ").append(output.path()));
            tx.appendEvent(EventType.BUILD_SUCCESS, now, buildId, agentId,
                    data("derivation", derivation.path(), "outputs", paths.toString(), "system", build.system(),
                            "duration-seconds", Lifecycle.seconds(build.startedAt(), now)));
            List<PendingBuild> rescheduled = Lifecycle.rescheduleDependents(tx, Set.of(derivation.path()), now);
            tx.afterCommit(() -> {
                allocator.finished(List.of(buildId));
                allocator.scheduled(rescheduled);
            });
            return succeeded;
        });
    }

    @Override
    public Build reportFailure(UUID agentId, UUID buildId, FailureKind kind, Integer exitStatus) {
        if (kind == null) {
            throw new InvalidRequestException("a failure needs a kind");
        }
        return transition(agentId, buildId, "report the failure of", Set.of(BuildState.STARTED), (tx, build) -> {
            Instant now = clock.instant();
            Build failed = build.withState(BuildState.FAILED, now).withFinishedAt(now).withFailureKind(kind);
            tx.updateBuild(failed);
            if (exitStatus != null) {
                List<BuildAttempt> attempts = tx.attempts(buildId);
                if (!attempts.isEmpty()) {
                    tx.saveAttempt(attempts.get(attempts.size() - 1).withExitStatus(exitStatus));
                }
            }
            tx.appendEvent(EventType.BUILD_FAILURE, now, buildId, agentId, data("derivation", build.derivationPath(),
                    "system", build.system(), "duration-seconds", Lifecycle.seconds(build.startedAt(), now),
                    "failure-kind", kind.id(), "exit-status", exitStatus == null ? null : exitStatus.toString()));
            List<UUID> finished = new ArrayList<>();
            finished.add(buildId);
            finished.addAll(Lifecycle.propagateFailure(tx, Set.of(build.derivationPath()), buildId, now));
            tx.afterCommit(() -> allocator.finished(finished));
            return failed;
        });
    }

    @Override
    public Build reportSetupFailure(UUID agentId, UUID buildId, SetupFailureKind kind, List<String> missingInputs) {
        if (kind == null) {
            throw new InvalidRequestException("a setup failure needs a kind");
        }
        List<String> missing = missingInputs == null ? List.of() : missingInputs.stream().distinct().sorted().toList();
        if (kind == SetupFailureKind.MISSING_INPUTS && missing.isEmpty()) {
            throw new InvalidRequestException("a missing-inputs setup failure lists the missing inputs");
        }
        return transition(agentId, buildId, "report a setup failure of",
                Set.of(BuildState.ALLOCATED, BuildState.STARTED), (tx, build) -> {
                    Instant now = clock.instant();
                    int failures = build.setupFailureCount() + 1;
                    Instant holdUntil = now.plus(backoff(failures));
                    Instant deferUntil = build.deferUntil() != null && build.deferUntil().isAfter(holdUntil)
                            ? build.deferUntil() : holdUntil;
                    Build scheduled = Lifecycle.backToScheduled(build, now).withSetupFailureCount(failures)
                            .withDeferUntil(deferUntil);
                    tx.updateBuild(scheduled);
                    tx.insertSetupFailure(new SetupFailure(buildId, agentId, now, kind, missing));
                    if (kind == SetupFailureKind.MISSING_INPUTS) {
                        tx.appendEvent(EventType.BUILD_MISSING_INPUTS, now, buildId, agentId,
                                data("derivation", build.derivationPath(),
                                        "missing-inputs", String.join(" ", missing)));
                    } else {
                        tx.appendEvent(EventType.BUILD_SETUP_FAILURE, now, buildId, agentId,
                                data("derivation", build.derivationPath(), "kind", kind.id()));
                    }
                    List<PendingBuild> pending = Lifecycle.pending(tx, List.of(scheduled));
                    tx.afterCommit(() -> allocator.scheduled(pending));
                    return scheduled;
                });
    }

    /** The hold-back after the n-th setup failure: 5 s, 10 s, 20 s... up to 10 minutes. */
    static Duration backoff(int failures) {
        int doublings = Math.min(failures - 1, 20);
        Duration backoff = SETUP_FAILURE_BACKOFF.multipliedBy(1L << doublings);
        return backoff.compareTo(MAX_SETUP_FAILURE_BACKOFF) > 0 ? MAX_SETUP_FAILURE_BACKOFF : backoff;
    }

    private Build transition(UUID agentId, UUID buildId, String action, Set<BuildState> allowed,
            BiFunction<DatastoreTransaction, Build, Build> change) {
        return datastore.write(tx -> {
            Build build = Lifecycle.requireBuild(tx, buildId);
            if (!agentId.equals(build.agentId())) {
                throw new NotAllocatedToAgentException(buildId, agentId);
            }
            if (!allowed.contains(build.state())) {
                throw new IllegalTransitionException(buildId, build.state(), action);
            }
            Instant now = clock.instant();
            tx.agent(agentId).filter(agent -> lastSeenIsStale(agent, now))
                    .ifPresent(agent -> tx.updateAgent(agent.withLastSeen(now)));
            return change.apply(tx, build);
        });
    }

    /** Agents report often; writing when they were last seen once a second is enough for a timeout in minutes. */
    private static boolean lastSeenIsStale(Agent agent, Instant now) {
        return agent.lastSeen() == null || agent.lastSeen().isBefore(now.minus(LAST_SEEN_GRANULARITY));
    }

    private static void requireOutputsOf(DerivationSummary derivation, List<OutputMetadata> outputs) {
        Map<String, String> reported = new HashMap<>();
        for (OutputMetadata output : outputs) {
            if (reported.put(output.name(), output.path()) != null) {
                throw new InvalidRequestException("output " + output.name() + " is reported twice");
            }
        }
        if (!reported.equals(derivation.outputs())) {
            throw new InvalidRequestException("the reported outputs " + reported + " are not those of "
                    + derivation.path() + ": " + derivation.outputs());
        }
    }
}
