package dev.kiln.hooks.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventListener;
import dev.kiln.api.EventService;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.EventType;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.StoredOutput;
import dev.kiln.api.SubmitOutcome;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;

/** The coordinator's services as the hooks use them, in memory, with an outbox the test appends to. */
final class FakeCoordinator implements EventService, BuildService, DerivationService {

    private final List<Event> outbox = new CopyOnWriteArrayList<>();
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<UUID, Build> builds = new ConcurrentHashMap<>();
    private final Map<String, DerivationSummary> derivations = new ConcurrentHashMap<>();
    private final List<SubmitRequest> submissions = new CopyOnWriteArrayList<>();
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();

    synchronized Event append(EventType type, UUID buildId, Map<String, String> data) {
        Event event = new Event(outbox.size() + 1, type, Instant.now(), buildId, null, data);
        outbox.add(event);
        listeners.forEach(listener -> listener.committed(List.of(event)));
        return event;
    }

    Build addBuild(String derivationPath, BuildState state) {
        Instant now = Instant.now();
        Build build = new Build(UUID.randomUUID(), builds.size() + 1, derivationPath, "x86_64-linux", 0, Set.of(),
                Set.of(), state, now, now, null, null, null, 0, null);
        builds.put(build.id(), build);
        return build;
    }

    void setState(UUID buildId, BuildState state) {
        builds.computeIfPresent(buildId, (id, build) -> build.withState(state, Instant.now()));
    }

    void addDerivation(DerivationSummary derivation) {
        derivations.put(derivation.path(), derivation);
    }

    List<SubmitRequest> submissions() {
        return List.copyOf(submissions);
    }

    @Override
    public List<Event> after(long afterId, int limit) {
        return outbox.stream().filter(event -> event.id() > afterId).limit(limit).toList();
    }

    @Override
    public long latestId() {
        return outbox.size();
    }

    @Override
    public EventSubscription subscribe(EventListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public synchronized List<SubmitResult> submit(SubmitRequest request) {
        submissions.add(request);
        List<SubmitResult> results = new ArrayList<>();
        for (BuildSubmission submission : request.builds()) {
            Build build = addBuild(submission.derivationPath(), BuildState.SCHEDULED);
            results.add(new SubmitResult(submission.derivationPath(), SubmitOutcome.CREATED, build.id(),
                    build.state()));
        }
        return results;
    }

    @Override
    public BuildPage list(BuildQuery query) {
        return new BuildPage(builds.values().stream()
                .filter(build -> query.derivationPath() == null
                        || query.derivationPath().equals(build.derivationPath()))
                .filter(build -> query.states().isEmpty() || query.states().contains(build.state()))
                .limit(query.limit()).toList(), null);
    }

    @Override
    public Map<BuildState, Long> counts(BuildQuery filter) {
        Map<BuildState, Long> counts = new EnumMap<>(BuildState.class);
        builds.values().forEach(build -> counts.merge(build.state(), 1L, Long::sum));
        return counts;
    }

    @Override
    public Build tag(UUID buildId, Set<Tag> add, Set<String> remove) {
        Set<String> replaced = new HashSet<>(remove);
        add.forEach(tag -> replaced.add(tag.key()));
        builds.computeIfPresent(buildId, (id, build) -> {
            Set<Tag> tags = new HashSet<>(add);
            build.tags().stream().filter(tag -> !replaced.contains(tag.key())).forEach(tags::add);
            return build.withTags(tags);
        });
        return get(buildId);
    }

    private final Map<String, Integer> cursorSaveAttempts = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile RuntimeException cursorFailure;

    @Override
    public Map<String, Long> cursors(String prefix) {
        return cursors.entrySet().stream().filter(cursor -> cursor.getKey().startsWith(prefix))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public void saveCursors(Map<String, Long> positions) {
        positions.keySet().forEach(name -> cursorSaveAttempts.merge(name, 1, Integer::sum));
        RuntimeException failure = cursorFailure;
        if (failure != null) {
            throw failure;
        }
        cursors.putAll(positions);
    }

    /** Makes every save of cursors fail with this, as a full disk would; null to let them succeed again. */
    void failCursorSaves(RuntimeException failure) {
        cursorFailure = failure;
    }

    /** How many times a cursor of this name was to be saved, successfully or not. */
    int cursorSaveAttempts(String name) {
        return cursorSaveAttempts.getOrDefault(name, 0);
    }

    /** The stored cursors of the outbox's readers, by name. */
    Map<String, Long> storedCursors() {
        return Map.copyOf(cursors);
    }

    @Override
    public Build get(UUID buildId) {
        return Optional.ofNullable(builds.get(buildId)).orElseThrow(() -> new NotFoundException("build", buildId));
    }

    @Override
    public List<OutputMetadata> outputs(UUID buildId) {
        return List.of();
    }

    @Override
    public List<SetupFailure> setupFailures(UUID buildId) {
        return List.of();
    }

    /** No agent runs the builds here. */
    @Override
    public List<BuildAttempt> attempts(UUID buildId) {
        return List.of();
    }

    @Override
    public Optional<Build> failedDependency(UUID buildId) {
        return Optional.empty();
    }

    @Override
    public Build cancel(UUID buildId) {
        setState(buildId, BuildState.CANCELED);
        return get(buildId);
    }

    @Override
    public Build retry(UUID buildId) {
        setState(buildId, BuildState.SCHEDULED);
        return get(buildId);
    }

    @Override
    public Build changePriority(UUID buildId, int priority) {
        builds.computeIfPresent(buildId, (id, build) -> build.withPriority(priority));
        return get(buildId);
    }

    @Override
    public DerivationSummary get(String derivationPath) {
        return Optional.ofNullable(derivations.get(derivationPath))
                .orElseThrow(() -> new NotFoundException("derivation", derivationPath));
    }

    @Override
    public Set<String> known(Collection<String> derivationPaths) {
        return derivationPaths.stream().filter(derivations::containsKey).collect(Collectors.toSet());
    }

    @Override
    public Set<String> heldOutputs(Collection<String> storePaths) {
        return new HashSet<>();
    }

    @Override
    public Optional<StoredOutput> storedOutput(String storePath) {
        return Optional.empty();
    }

    @Override
    public Optional<StoredOutput> storedOutputByHashPart(String hashPart) {
        return Optional.empty();
    }

    @Override
    public List<StoredOutput> storedOutputs(String afterPath, int limit) {
        return List.of();
    }
}
