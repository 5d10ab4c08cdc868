package dev.kiln.coordinator.internal;

import static dev.kiln.coordinator.internal.Lifecycle.data;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import dev.kiln.api.Build;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.EventType;
import dev.kiln.api.IllegalTransitionException;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitOutcome;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;
import dev.kiln.api.allocation.Allocator;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.BuildRef;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreTransaction;

/** Builds for clients and operators: submission, the store check, cancel, retry, priority. */
@Component(service = BuildService.class, configurationPid = CoordinatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class BuildLifecycle implements BuildService {

    private final Datastore datastore;
    private final Allocator allocator;
    private final Clock clock;

    @Activate
    public BuildLifecycle(@Reference(name = "datastore") Datastore datastore,
            @Reference(name = "allocator") Allocator allocator) {
        this(datastore, allocator, Clock.tickMillis(ZoneOffset.UTC));
    }

    private BuildLifecycle(Datastore datastore, Allocator allocator, Clock clock) {
        this.datastore = datastore;
        this.allocator = allocator;
        this.clock = clock;
    }

    /** A build service outside OSGi (benchmarks, tools). */
    public static BuildLifecycle create(Datastore datastore, Allocator allocator) {
        return new BuildLifecycle(datastore, allocator, Clock.tickMillis(ZoneOffset.UTC));
    }

    @Override
    public List<SubmitResult> submit(SubmitRequest request) {
        if (request.builds().isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        return datastore.write(tx -> new Submission(tx, request, now).run());
    }

    @Override
    public BuildPage list(BuildQuery query) {
        return datastore.read(reader -> reader.builds(query));
    }

    @Override
    public Map<BuildState, Long> counts(BuildQuery filter) {
        return datastore.read(reader -> new EnumMap<>(reader.buildCounts(filter)));
    }

    @Override
    public Build get(UUID buildId) {
        return datastore.read(reader -> Lifecycle.requireBuild(reader, buildId));
    }

    @Override
    public List<OutputMetadata> outputs(UUID buildId) {
        return datastore.read(reader -> {
            Lifecycle.requireBuild(reader, buildId);
            return reader.buildOutputs(buildId);
        });
    }

    @Override
    public List<SetupFailure> setupFailures(UUID buildId) {
        return datastore.read(reader -> {
            Lifecycle.requireBuild(reader, buildId);
            return reader.setupFailures(buildId);
        });
    }

    @Override
    public Build cancel(UUID buildId) {
        Instant now = clock.instant();
        return datastore.write(tx -> {
            Build build = Lifecycle.requireBuild(tx, buildId);
            if (build.state().isFinal()) {
                throw new IllegalTransitionException(buildId, build.state(), "cancel");
            }
            Build canceled = build.withState(BuildState.CANCELED, now).withFinishedAt(now);
            tx.updateBuild(canceled);
            tx.appendEvent(EventType.BUILD_CANCELED, now, buildId, build.agentId(),
                    data("derivation", build.derivationPath(), "previous-state", build.state().id()));
            if (build.state().isPending()) {
                tx.afterCommit(() -> allocator.finished(List.of(buildId)));
            }
            return canceled;
        });
    }

    @Override
    public Build retry(UUID buildId) {
        Instant now = clock.instant();
        return datastore.write(tx -> {
            Build build = Lifecycle.requireBuild(tx, buildId);
            BuildState state = build.state();
            if (state != BuildState.FAILED && state != BuildState.CANCELED && state != BuildState.DEPENDENCY_FAILED) {
                throw new IllegalTransitionException(buildId, state, "retry");
            }
            Set<String> inputs = tx.inputDerivations(Set.of(build.derivationPath()))
                    .getOrDefault(build.derivationPath(), Set.of());
            Optional<String> failedInput = Lifecycle.failedInput(inputs,
                    Lifecycle.byDerivation(tx.buildRefsOfDerivations(inputs)));
            if (failedInput.isPresent()) {
                throw new IllegalTransitionException(buildId, state, "retry",
                        "its input " + failedInput.get() + " failed: retry that first");
            }
            Build scheduled = build.withState(BuildState.SCHEDULED, now).withAgent(null).withStartedAt(null)
                    .withFinishedAt(null);
            tx.updateBuild(scheduled);
            tx.appendEvent(EventType.BUILD_RETRIED, now, buildId, null,
                    data("derivation", build.derivationPath(), "previous-state", state.id()));
            List<PendingBuild> pending = new ArrayList<>();
            pending.add(Lifecycle.pending(scheduled, inputs));
            pending.addAll(Lifecycle.rescheduleDependents(tx, Set.of(build.derivationPath()), now));
            tx.afterCommit(() -> allocator.scheduled(pending));
            return scheduled;
        });
    }

    @Override
    public Build changePriority(UUID buildId, int priority) {
        Instant now = clock.instant();
        return datastore.write(tx -> {
            Build build = Lifecycle.requireBuild(tx, buildId);
            if (build.state().isFinal()) {
                throw new IllegalTransitionException(buildId, build.state(), "change the priority of");
            }
            Build changed = build.withPriority(priority);
            tx.updateBuild(changed);
            tx.appendEvent(EventType.BUILD_PRIORITY_CHANGED, now, buildId, null,
                    data("previous-priority", Integer.toString(build.priority()),
                            "priority", Integer.toString(priority)));
            if (build.state().isPending()) {
                tx.afterCommit(() -> allocator.priorityChanged(buildId, priority));
            }
            return changed;
        });
    }

    @Override
    public Build tag(UUID buildId, Set<Tag> add, Set<String> remove) {
        Map<String, String> added = new TreeMap<>();
        for (Tag tag : add) {
            String before = added.put(tag.key(), tag.value());
            if (before != null && !before.equals(tag.value())) {
                throw new InvalidRequestException("two values for tag " + tag.key() + ": " + before + " and "
                        + tag.value());
            }
        }
        Instant now = clock.instant();
        return datastore.write(tx -> {
            Build build = Lifecycle.requireBuild(tx, buildId);
            Map<String, String> tags = new TreeMap<>();
            build.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
            Set<String> removed = new TreeSet<>(remove);
            removed.removeAll(added.keySet());
            removed.retainAll(tags.keySet());
            tags.keySet().removeAll(removed);
            Map<String, String> changed = new TreeMap<>(added);
            changed.entrySet().removeIf(entry -> entry.getValue().equals(tags.get(entry.getKey())));
            if (changed.isEmpty() && removed.isEmpty()) {
                return build;
            }
            tags.putAll(changed);
            Set<Tag> newTags = new TreeSet<>();
            tags.forEach((key, value) -> newTags.add(new Tag(key, value)));
            Build tagged = build.withTags(newTags);
            tx.updateBuildTags(buildId, newTags);
            tx.appendEvent(EventType.BUILD_TAGGED, now, buildId, null, data(
                    "added", changed.isEmpty() ? null : changed.entrySet().stream()
                            .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(" ")),
                    "removed", removed.isEmpty() ? null : String.join(" ", removed)));
            return tagged;
        });
    }

    /** One submission request, in one transaction. */
    private final class Submission {

        private final DatastoreTransaction tx;
        private final SubmitRequest request;
        private final Instant now;
        private final Map<String, DerivationSummary> derivations = new HashMap<>();
        private Map<String, List<BuildRef>> builds;

        Submission(DatastoreTransaction tx, SubmitRequest request, Instant now) {
            this.tx = tx;
            this.request = request;
            this.now = now;
        }

        List<SubmitResult> run() {
            storeDerivations();
            Set<String> submitted = request.builds().stream().map(BuildSubmission::derivationPath)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            Set<String> inputs = submitted.stream()
                    .flatMap(path -> derivations.get(path).inputDerivations().keySet().stream())
                    .collect(Collectors.toSet());
            Set<String> withBuilds = new HashSet<>(submitted);
            withBuilds.addAll(inputs);
            builds = Lifecycle.byDerivation(tx.buildRefsOfDerivations(withBuilds));
            Set<String> outputs = submitted.stream().flatMap(path -> derivations.get(path).outputPaths().stream())
                    .collect(Collectors.toSet());
            Set<String> held = tx.heldPaths(outputs);
            Map<String, UUID> producing = new HashMap<>(request.builds().stream()
                    .anyMatch(b -> b.options().ignoreIfOutputsHaveBuild()) ? tx.buildsProducing(outputs) : Map.of());

            SubmitResult[] results = new SubmitResult[request.builds().size()];
            Map<Integer, Build> created = new LinkedHashMap<>();
            for (int i = 0; i < results.length; i++) {
                BuildSubmission submission = request.builds().get(i);
                DerivationSummary derivation = derivations.get(submission.derivationPath());
                SubmitOptions options = submission.options();
                List<BuildRef> existing = builds.getOrDefault(derivation.path(), List.of());
                Optional<UUID> sameOutputs = derivation.outputPaths().stream().map(producing::get)
                        .filter(Objects::nonNull).findFirst();
                if (options.ignoreIfDerivationHasBuild() && !existing.isEmpty()) {
                    BuildRef latest = existing.stream().max(Comparator.comparingLong(BuildRef::sequence)).orElseThrow();
                    results[i] = new SubmitResult(derivation.path(), SubmitOutcome.EXISTING_BUILD_FOR_DERIVATION,
                            latest.id(), latest.state());
                } else if (options.ignoreIfOutputsHaveBuild() && sameOutputs.isPresent()) {
                    results[i] = new SubmitResult(derivation.path(), SubmitOutcome.EXISTING_BUILD_FOR_OUTPUTS,
                            sameOutputs.get(), stateOf(sameOutputs.get(), created));
                } else if (held.containsAll(derivation.outputPaths())) {
                    results[i] = new SubmitResult(derivation.path(), SubmitOutcome.OUTPUTS_HELD, null,
                            BuildState.SUCCEEDED);
                } else {
                    Build build = new Build(UUID.randomUUID(), tx.nextBuildSequence(), derivation.path(),
                            derivation.system(), options.priority(), options.tags(), options.requiredAgentTags(),
                            BuildState.SCHEDULED, now, now, null, null, null, 0, options.deferUntil());
                    created.put(i, build);
                    builds.computeIfAbsent(derivation.path(), k -> new ArrayList<>())
                            .add(new BuildRef(build.id(), build.derivationPath(), build.state(), build.sequence()));
                    derivation.outputPaths().forEach(path -> producing.putIfAbsent(path, build.id()));
                }
            }

            List<PendingBuild> pending = new ArrayList<>();
            Set<String> newlyPending = new HashSet<>();
            created.forEach((index, build) -> {
                DerivationSummary derivation = derivations.get(build.derivationPath());
                Optional<String> failedInput = Lifecycle.failedInput(derivation.inputDerivations().keySet(), builds);
                Build initial = failedInput.isPresent() ? build.withState(BuildState.DEPENDENCY_FAILED, now) : build;
                tx.insertBuild(initial);
                tx.appendEvent(EventType.BUILD_SUBMITTED, now, initial.id(), null,
                        data("derivation", initial.derivationPath(), "system", initial.system(),
                                "priority", Integer.toString(initial.priority()), "state", initial.state().id(),
                                "failed-input", failedInput.orElse(null)));
                results[index] = new SubmitResult(initial.derivationPath(), SubmitOutcome.CREATED, initial.id(),
                        initial.state());
                if (initial.state() == BuildState.SCHEDULED) {
                    pending.add(Lifecycle.pending(initial, derivation.inputDerivations().keySet()));
                    newlyPending.add(initial.derivationPath());
                }
            });
            pending.addAll(Lifecycle.rescheduleDependents(tx, newlyPending, now));
            if (!pending.isEmpty()) {
                tx.afterCommit(() -> allocator.scheduled(pending));
            }
            return List.of(results);
        }

        /** Stores the request's derivations, after checking that the submitted closures are complete. */
        private void storeDerivations() {
            Map<String, DerivationSummary> provided = new LinkedHashMap<>();
            request.derivations().forEach(derivation -> provided.putIfAbsent(derivation.path(), derivation));
            Set<String> referenced = new HashSet<>();
            request.builds().forEach(build -> referenced.add(build.derivationPath()));
            provided.values().forEach(derivation -> referenced.addAll(derivation.inputDerivations().keySet()));
            referenced.removeAll(provided.keySet());
            Set<String> unknown = new HashSet<>(referenced);
            unknown.removeAll(tx.knownDerivations(referenced));
            if (!unknown.isEmpty()) {
                List<String> some = unknown.stream().sorted().limit(5).toList();
                throw new InvalidRequestException(unknown.size() + " derivation(s) unknown to the coordinator and "
                        + "missing from the request, for example " + some);
            }
            tx.insertDerivations(provided.values());
            Set<String> submitted = new HashSet<>();
            request.builds().forEach(build -> submitted.add(build.derivationPath()));
            for (String path : submitted) {
                DerivationSummary derivation = provided.get(path);
                if (derivation != null) {
                    derivations.put(path, derivation);
                }
            }
            submitted.removeAll(derivations.keySet());
            derivations.putAll(tx.derivations(submitted));
        }

        private BuildState stateOf(UUID buildId, Map<Integer, Build> created) {
            return created.values().stream().filter(b -> b.id().equals(buildId)).map(Build::state).findFirst()
                    .orElseGet(() -> Lifecycle.requireBuild(tx, buildId).state());
        }
    }
}
