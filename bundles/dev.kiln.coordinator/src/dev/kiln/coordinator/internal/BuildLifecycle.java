package dev.kiln.coordinator.internal;

import static dev.kiln.coordinator.internal.Lifecycle.data;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
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
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
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
import dev.kiln.api.datastore.DatastoreReader;
import dev.kiln.api.datastore.DatastoreTransaction;

/** Builds for clients and operators: submission, the store check, cancel, retry, priority. */
@Component(service = BuildService.class, configurationPid = CoordinatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class BuildLifecycle implements BuildService {

    /** The most derivations of a submission stored in one transaction. */
    static final int DERIVATIONS_PER_WRITE = 250;
    /** The most builds of a submission created in one transaction. */
    static final int BUILDS_PER_WRITE = 250;

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
        Map<String, DerivationSummary> provided = checkClosures(request);
        Instant now = clock.instant();
        List<BuildSubmission> submissions = request.builds();
        SubmitResult[] results = new SubmitResult[submissions.size()];
        List<Integer> order = inputsFirst(submissions, provided);
        Set<String> stored = new HashSet<>();
        for (int from = 0; from < order.size(); from += BUILDS_PER_WRITE) {
            List<Integer> chunk = order.subList(from, Math.min(order.size(), from + BUILDS_PER_WRITE));
            List<BuildSubmission> part = chunk.stream().map(submissions::get).toList();
            // The derivations that these builds need and that are not stored yet go in with them, the surplus
            // before: the first builds of a large submission can be allocated while the rest is still stored.
            List<DerivationSummary> needed = unstoredClosure(part, provided, stored);
            List<DerivationSummary> withBuilds = store(needed, DERIVATIONS_PER_WRITE);
            List<SubmitResult> partResults = datastore.write(tx -> {
                tx.insertDerivations(withBuilds);
                return new Submission(tx, part, provided, now).run();
            });
            for (int i = 0; i < chunk.size(); i++) {
                results[chunk.get(i)] = partResults.get(i);
            }
        }
        // The request's derivations that none of its builds needs.
        store(provided.values().stream().filter(derivation -> !stored.contains(derivation.path())).toList(), 0);
        return List.of(results);
    }

    /**
     * Stores derivations in transactions of {@link #DERIVATIONS_PER_WRITE} (writes are one at a time, and the
     * agents' reports wait behind each), all but the last {@code kept}, which are returned.
     */
    private List<DerivationSummary> store(List<DerivationSummary> derivations, int kept) {
        int end = Math.max(0, derivations.size() - kept);
        for (int from = 0; from < end; from += DERIVATIONS_PER_WRITE) {
            List<DerivationSummary> chunk = derivations.subList(from, Math.min(end, from + DERIVATIONS_PER_WRITE));
            datastore.write(tx -> {
                tx.insertDerivations(chunk);
                return null;
            });
        }
        return derivations.subList(end, derivations.size());
    }

    /**
     * The request's derivations in the closures of these builds that are not in {@code stored}, which then holds
     * them. Derivations stored before the request are skipped when inserted.
     */
    private static List<DerivationSummary> unstoredClosure(List<BuildSubmission> builds,
            Map<String, DerivationSummary> provided, Set<String> stored) {
        List<DerivationSummary> closure = new ArrayList<>();
        Deque<String> next = new ArrayDeque<>();
        builds.forEach(build -> next.push(build.derivationPath()));
        while (!next.isEmpty()) {
            DerivationSummary derivation = provided.get(next.pop());
            if (derivation != null && stored.add(derivation.path())) {
                closure.add(derivation);
                derivation.inputDerivations().keySet().forEach(next::push);
            }
        }
        return closure;
    }

    /**
     * The indexes of the submissions, those of a derivation's inputs before it (by depth in the request's graph, the
     * request's order within a depth): each transaction then sees the builds that the builds it creates wait on.
     */
    private static List<Integer> inputsFirst(List<BuildSubmission> submissions,
            Map<String, DerivationSummary> provided) {
        Map<String, Integer> depths = new HashMap<>();
        for (BuildSubmission submission : submissions) {
            depth(submission.derivationPath(), provided, depths);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < submissions.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> depths.get(submissions.get(i).derivationPath())));
        return order;
    }

    /** The length of the longest chain of the request's derivations below this one, without recursion. */
    private static int depth(String path, Map<String, DerivationSummary> provided, Map<String, Integer> depths) {
        Deque<String> stack = new ArrayDeque<>();
        stack.push(path);
        while (!stack.isEmpty()) {
            String current = stack.peek();
            if (depths.containsKey(current)) {
                stack.pop();
                continue;
            }
            DerivationSummary derivation = provided.get(current);
            Set<String> inputs = derivation == null ? Set.of() : derivation.inputDerivations().keySet();
            int deepest = -1;
            boolean ready = true;
            for (String input : inputs) {
                Integer known = depths.get(input);
                if (known == null) {
                    ready = false;
                    stack.push(input);
                } else {
                    deepest = Math.max(deepest, known);
                }
            }
            if (ready) {
                depths.put(current, deepest + 1);
                stack.pop();
            }
        }
        return depths.get(path);
    }

    /**
     * The request's derivations by path, after checking that the submitted closures are complete: each derivation a
     * build or a derivation of the request needs is in the request or stored already.
     */
    private Map<String, DerivationSummary> checkClosures(SubmitRequest request) {
        Map<String, DerivationSummary> provided = new LinkedHashMap<>();
        request.derivations().forEach(derivation -> provided.putIfAbsent(derivation.path(), derivation));
        Set<String> referenced = new HashSet<>();
        request.builds().forEach(build -> referenced.add(build.derivationPath()));
        provided.values().forEach(derivation -> referenced.addAll(derivation.inputDerivations().keySet()));
        referenced.removeAll(provided.keySet());
        Set<String> unknown = new HashSet<>(referenced);
        unknown.removeAll(datastore.read(reader -> reader.knownDerivations(referenced)));
        if (!unknown.isEmpty()) {
            List<String> some = unknown.stream().sorted().limit(5).toList();
            throw new InvalidRequestException(unknown.size() + " derivation(s) unknown to the coordinator and "
                    + "missing from the request, for example " + some);
        }
        return provided;
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
        return readOfBuild(buildId, DatastoreReader::buildOutputs);
    }

    @Override
    public List<SetupFailure> setupFailures(UUID buildId) {
        return readOfBuild(buildId, DatastoreReader::setupFailures);
    }

    @Override
    public List<BuildAttempt> attempts(UUID buildId) {
        return readOfBuild(buildId, DatastoreReader::attempts);
    }

    /** What {@code read} finds of a build that exists. */
    private <T> T readOfBuild(UUID buildId, BiFunction<DatastoreReader, UUID, T> read) {
        return datastore.read(reader -> {
            Lifecycle.requireBuild(reader, buildId);
            return read.apply(reader, buildId);
        });
    }

    @Override
    public Optional<Build> failedDependency(UUID buildId) {
        return datastore.read(reader -> {
            Build build = Lifecycle.requireBuild(reader, buildId);
            Build dependency = null;
            // Bounded: a chain of dependency-failed builds is as long as the longest path of the graph at most.
            for (int depth = 0; build.state() == BuildState.DEPENDENCY_FAILED && depth < 10_000; depth++) {
                Set<String> inputs = reader.inputDerivations(Set.of(build.derivationPath()))
                        .getOrDefault(build.derivationPath(), Set.of());
                Map<String, List<BuildRef>> builds = Lifecycle.byDerivation(reader.buildRefsOfDerivations(inputs));
                Optional<String> failedInput = Lifecycle.failedInput(inputs, builds);
                if (failedInput.isEmpty()) {
                    break;
                }
                BuildRef latest = builds.get(failedInput.get()).stream()
                        .max(Comparator.comparingLong(BuildRef::sequence)).orElseThrow();
                build = Lifecycle.requireBuild(reader, latest.id());
                dependency = build;
            }
            return Optional.ofNullable(dependency);
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
            return Lifecycle.cancel(tx, build, now, allocator);
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
            return Lifecycle.changePriority(tx, build, priority, now, allocator);
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

    /** Builds of a submission request, in one transaction. */
    private final class Submission {

        private final DatastoreTransaction tx;
        private final List<BuildSubmission> submissions;
        private final Map<String, DerivationSummary> provided;
        private final Instant now;
        private final Map<String, DerivationSummary> derivations = new HashMap<>();
        private Map<String, List<BuildRef>> builds;

        Submission(DatastoreTransaction tx, List<BuildSubmission> submissions,
                Map<String, DerivationSummary> provided, Instant now) {
            this.tx = tx;
            this.submissions = submissions;
            this.provided = provided;
            this.now = now;
        }

        List<SubmitResult> run() {
            readDerivations();
            Set<String> submitted = submissions.stream().map(BuildSubmission::derivationPath)
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
            Map<String, UUID> producing = new HashMap<>(submissions.stream()
                    .anyMatch(b -> b.options().ignoreIfOutputsHaveBuild()) ? tx.buildsProducing(outputs) : Map.of());

            SubmitResult[] results = new SubmitResult[submissions.size()];
            Map<Integer, Build> created = new LinkedHashMap<>();
            for (int i = 0; i < results.length; i++) {
                BuildSubmission submission = submissions.get(i);
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
                            BuildState.SCHEDULED, now, now, null, null, null, 0, options.deferUntil(),
                            derivation.requiredSystemFeatures(), options.limits(), null);
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

        /** The submitted derivations: from the request, else as stored. */
        private void readDerivations() {
            Set<String> submitted = new HashSet<>();
            submissions.forEach(build -> submitted.add(build.derivationPath()));
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
