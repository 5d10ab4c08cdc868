package dev.kiln.coordinator.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.EventType;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.allocation.Allocator;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.BuildRef;
import dev.kiln.api.datastore.DatastoreReader;
import dev.kiln.api.datastore.DatastoreTransaction;

/** The rules shared by the transitions: how builds depend on the builds of their inputs. */
final class Lifecycle {

    /** Where the outputs of an input derivation stand, from the builds of it. */
    enum InputStatus {
        /** Built, or with no build to wait for (its outputs are expected to be substitutable). */
        AVAILABLE,
        /** A build of it is scheduled, allocated or started. */
        PENDING,
        /** Its latest build failed (or could not run because its own input failed), and none is pending. */
        FAILED
    }

    private Lifecycle() {
    }

    static InputStatus status(Collection<BuildRef> builds) {
        if (builds == null || builds.isEmpty()) {
            return InputStatus.AVAILABLE;
        }
        if (builds.stream().anyMatch(b -> b.state().isPending())) {
            return InputStatus.PENDING;
        }
        if (builds.stream().anyMatch(b -> b.state() == BuildState.SUCCEEDED)) {
            return InputStatus.AVAILABLE;
        }
        BuildState latest = builds.stream().max(Comparator.comparingLong(BuildRef::sequence)).orElseThrow().state();
        return latest == BuildState.FAILED || latest == BuildState.DEPENDENCY_FAILED
                ? InputStatus.FAILED : InputStatus.AVAILABLE;
    }

    static Map<String, List<BuildRef>> byDerivation(Collection<BuildRef> builds) {
        return builds.stream().collect(Collectors.groupingBy(BuildRef::derivationPath, HashMap::new,
                Collectors.toCollection(ArrayList::new)));
    }

    /** The first of these inputs that failed, according to {@code builds} (by derivation). */
    static Optional<String> failedInput(Collection<String> inputs, Map<String, List<BuildRef>> builds) {
        return inputs.stream().sorted().filter(input -> status(builds.get(input)) == InputStatus.FAILED).findFirst();
    }

    /**
     * Marks dependency-failed the scheduled builds that need an output of these derivations, when those have
     * failed, and so on through the builds that need theirs; their events name {@code failedBuild}, the build whose
     * failure they follow.
     *
     * @return the builds that became dependency-failed
     */
    static List<UUID> propagateFailure(DatastoreTransaction tx, Set<String> derivations, UUID failedBuild,
            Instant now) {
        List<UUID> failed = new ArrayList<>();
        Set<String> current = derivations;
        while (!current.isEmpty()) {
            Map<String, List<BuildRef>> builds = byDerivation(tx.buildRefsOfDerivations(current));
            Set<String> failedNow = current.stream()
                    .filter(drv -> status(builds.get(drv)) == InputStatus.FAILED)
                    .collect(Collectors.toSet());
            if (failedNow.isEmpty()) {
                break;
            }
            List<BuildRef> waiting = tx.buildRefsWaitingOn(failedNow, Set.of(BuildState.SCHEDULED));
            Set<String> next = new HashSet<>();
            for (Build build : tx.builds(waiting.stream().map(BuildRef::id).toList())) {
                tx.updateBuild(build.withState(BuildState.DEPENDENCY_FAILED, now));
                tx.appendEvent(EventType.BUILD_DEPENDENCY_FAILED, now, build.id(), null,
                        data("derivation", build.derivationPath(), "previous-state", build.state().id(),
                                "failed-build", failedBuild.toString()));
                failed.add(build.id());
                next.add(build.derivationPath());
            }
            current = next;
        }
        return failed;
    }

    /**
     * Schedules again the dependency-failed builds that need an output of these derivations and no longer have a
     * failed input, and so on through the builds that need theirs.
     *
     * @return the builds scheduled again
     */
    static List<PendingBuild> rescheduleDependents(DatastoreTransaction tx, Set<String> derivations, Instant now) {
        List<PendingBuild> rescheduled = new ArrayList<>();
        Set<String> current = derivations;
        while (!current.isEmpty()) {
            List<BuildRef> waiting = tx.buildRefsWaitingOn(current, Set.of(BuildState.DEPENDENCY_FAILED));
            if (waiting.isEmpty()) {
                break;
            }
            Map<String, Set<String>> inputs = tx.inputDerivations(
                    waiting.stream().map(BuildRef::derivationPath).collect(Collectors.toSet()));
            Set<String> allInputs = inputs.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
            Map<String, List<BuildRef>> inputBuilds = byDerivation(tx.buildRefsOfDerivations(allInputs));
            Set<String> next = new HashSet<>();
            for (Build build : tx.builds(waiting.stream().map(BuildRef::id).toList())) {
                Set<String> buildInputs = inputs.getOrDefault(build.derivationPath(), Set.of());
                if (failedInput(buildInputs, inputBuilds).isPresent()) {
                    continue;
                }
                Build scheduled = build.withState(BuildState.SCHEDULED, now).withFinishedAt(null);
                tx.updateBuild(scheduled);
                tx.appendEvent(EventType.BUILD_RESCHEDULED, now, build.id(), null,
                        data("derivation", build.derivationPath()));
                rescheduled.add(pending(scheduled, buildInputs));
                next.add(build.derivationPath());
            }
            current = next;
        }
        return rescheduled;
    }

    /** Cancels a build that is not final, with its event; a pending one leaves the allocation plan after the commit. */
    static Build cancel(DatastoreTransaction tx, Build build, Instant now, Allocator allocator) {
        Build canceled = build.withState(BuildState.CANCELED, now).withFinishedAt(now);
        tx.updateBuild(canceled);
        tx.appendEvent(EventType.BUILD_CANCELED, now, build.id(), build.agentId(),
                data("derivation", build.derivationPath(), "previous-state", build.state().id()));
        if (build.state().isPending()) {
            tx.afterCommit(() -> allocator.finished(List.of(build.id())));
        }
        return canceled;
    }

    /** Changes the priority of a build that is not final, with its event; the plan learns it after the commit. */
    static Build changePriority(DatastoreTransaction tx, Build build, int priority, Instant now, Allocator allocator) {
        Build changed = build.withPriority(priority);
        tx.updateBuild(changed);
        tx.appendEvent(EventType.BUILD_PRIORITY_CHANGED, now, build.id(), null,
                data("previous-priority", Integer.toString(build.priority()), "priority", Integer.toString(priority)));
        if (build.state().isPending()) {
            tx.afterCommit(() -> allocator.priorityChanged(build.id(), priority));
        }
        return changed;
    }

    /**
     * The build of a derivation that decides its state, among its builds: a pending one (the furthest along first),
     * else the latest.
     */
    static Optional<BuildRef> deciding(Collection<BuildRef> builds) {
        if (builds == null || builds.isEmpty()) {
            return Optional.empty();
        }
        return builds.stream().filter(b -> b.state().isPending())
                .max(Comparator.comparingInt((BuildRef b) -> b.state().ordinal()).thenComparingLong(BuildRef::sequence))
                .or(() -> builds.stream().max(Comparator.comparingLong(BuildRef::sequence)));
    }

    /** A build back to scheduled, away from its agent (setup failure, lost or restarted agent). */
    static Build backToScheduled(Build build, Instant now) {
        return build.withState(BuildState.SCHEDULED, now).withAgent(null).withStartedAt(null);
    }

    static PendingBuild pending(Build build, Set<String> inputDerivations) {
        return new PendingBuild(build.id(), build.sequence(), build.derivationPath(), build.system(),
                build.priority(), build.requiredAgentTags(), inputDerivations, build.state(), build.agentId(),
                build.deferUntil(), build.requiredFeatures(), PendingBuild.shareGroupOf(build.tags()),
                build.state() == BuildState.STARTED ? build.startedAt() : null);
    }

    /** The pending records of these builds, with the input derivations read from the datastore. */
    static List<PendingBuild> pending(DatastoreReader reader, Collection<Build> builds) {
        Map<String, Set<String>> inputs = reader.inputDerivations(
                builds.stream().map(Build::derivationPath).collect(Collectors.toSet()));
        return builds.stream().map(b -> pending(b, inputs.getOrDefault(b.derivationPath(), Set.of()))).toList();
    }

    static Build requireBuild(DatastoreReader reader, UUID buildId) {
        return reader.build(buildId).orElseThrow(() -> new NotFoundException("build", buildId));
    }

    /** Event data from alternating keys and values; null values are left out. */
    /** Seconds from {@code from} to {@code to}, to the millisecond, for an event's data; null without a start. */
    static String seconds(Instant from, Instant to) {
        return from == null ? null : BigDecimal.valueOf(Duration.between(from, to).toMillis(), 3).toPlainString();
    }

    static Map<String, String> data(String... keysAndValues) {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                data.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return data;
    }
}
