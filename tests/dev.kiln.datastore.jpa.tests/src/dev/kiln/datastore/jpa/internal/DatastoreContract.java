package dev.kiln.datastore.jpa.internal;

import static dev.kiln.datastore.jpa.internal.Fixtures.SYSTEM;
import static dev.kiln.datastore.jpa.internal.Fixtures.T0;
import static dev.kiln.datastore.jpa.internal.Fixtures.build;
import static dev.kiln.datastore.jpa.internal.Fixtures.derivation;
import static dev.kiln.datastore.jpa.internal.Fixtures.storePath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildSort;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventType;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.RunningBuild;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.SetupFailureKind;
import dev.kiln.api.StoredOutput;
import dev.kiln.api.Tag;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.BuildRef;
import dev.kiln.api.datastore.BuildTime;
import dev.kiln.api.datastore.HeldPath;

/**
 * What every database Kiln runs on must do, written once; each subclass supplies a fresh database per test.
 */
abstract class DatastoreContract {

    private static final String NAR_HASH = "sha256:" + "1".repeat(52);

    private DatastoreOptions options;
    private JpaDatastore datastore;

    /** A new, empty database. */
    abstract DatastoreOptions newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        options = newDatabase();
        datastore = JpaDatastore.open(options);
    }

    @AfterEach
    void close() {
        if (datastore != null) {
            datastore.close();
        }
    }

    @Test
    void migratesANewDatabaseToTheLatestSchema() {
        assertEquals(Migrations.LATEST, datastore.schemaVersion());
    }

    @Test
    void storesDerivationsWithTheirInputsAndLongText() {
        DerivationSummary input = derivation("input");
        String longText = "Derive(" + "x".repeat(100_000) + ")";
        DerivationSummary top = new DerivationSummary(storePath("top.drv"), SYSTEM,
                Map.of("out", storePath("top"), "dev", storePath("top-dev")), Map.of(input.path(), Set.of("out")),
                Set.of(storePath("src")), longText);
        datastore.write(tx -> {
            tx.insertDerivations(List.of(input, top));
            tx.insertDerivations(List.of(top));
            return null;
        });

        assertEquals(top, datastore.read(r -> r.derivation(top.path())).orElseThrow());
        assertEquals(Set.of(input.path(), top.path()),
                datastore.read(r -> r.knownDerivations(List.of(input.path(), top.path(), storePath("nope.drv")))));
        assertEquals(Map.of(input.path(), Set.of(), top.path(), Set.of(input.path())),
                datastore.read(r -> r.inputDerivations(List.of(input.path(), top.path()))));
        assertEquals(Map.of(top.path(), top), datastore.read(r -> r.derivations(List.of(top.path()))));
    }

    @Test
    void storesAndUpdatesBuilds() {
        DerivationSummary drv = derivation("a");
        Build build = build(1, drv, BuildState.SCHEDULED, Set.of(Tag.parse("jobset=main")));
        insert(List.of(drv), List.of(build));
        UUID agent = UUID.randomUUID();
        Instant later = T0.plusSeconds(60);
        Build started = build.withState(BuildState.STARTED, later).withAgent(agent).withStartedAt(later)
                .withPriority(7).withSetupFailureCount(2).withDeferUntil(later);

        datastore.write(tx -> {
            tx.updateBuild(started);
            return null;
        });

        assertEquals(started, datastore.read(r -> r.build(build.id())).orElseThrow());
        assertEquals(List.of(started), datastore.read(r -> r.buildsOfAgent(agent, Set.of(BuildState.STARTED))));
        assertEquals(List.of(), datastore.read(r -> r.buildsOfAgent(agent, Set.of(BuildState.ALLOCATED))));
    }

    @Test
    void recordsAttemptsAndTheExitStatusOfOne() {
        DerivationSummary drv = derivation("a");
        Build build = build(1, drv, BuildState.STARTED, Set.of());
        Build other = build(2, drv, BuildState.STARTED, Set.of());
        insert(List.of(drv), List.of(build, other));
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        BuildAttempt one = new BuildAttempt(build.id(), 1, first, T0.plusSeconds(1), null);
        BuildAttempt two = new BuildAttempt(build.id(), 2, second, T0.plusSeconds(2), null);
        datastore.write(tx -> {
            tx.saveAttempt(two);
            tx.saveAttempt(one);
            tx.saveAttempt(one.withExitStatus(0));
            tx.saveAttempt(new BuildAttempt(other.id(), 1, first, T0.plusSeconds(3), null));
            return null;
        });
        assertEquals(List.of(one.withExitStatus(0), two), datastore.read(r -> r.attempts(build.id())),
                "by number, the exit status written over the first");

        datastore.write(tx -> {
            tx.saveAttempt(two.withExitStatus(137));
            assertEquals(137, tx.attempts(build.id()).get(1).exitStatus(), "a transaction reads its own write");
            return null;
        });
        assertEquals(List.of(one.withExitStatus(0), two.withExitStatus(137)),
                datastore.read(r -> r.attempts(build.id())));
        assertEquals(1, datastore.read(r -> r.attempts(other.id())).size());
        assertEquals(List.of(), datastore.read(r -> r.attempts(UUID.randomUUID())));
    }

    @Test
    void listsBuildsNewestFirstWithFiltersAndCursors() {
        DerivationSummary a = derivation("a");
        DerivationSummary b = derivation("b");
        List<Build> builds = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            builds.add(build(i, i % 2 == 0 ? a : b, i % 5 == 0 ? BuildState.FAILED : BuildState.SCHEDULED,
                    Set.of(Tag.parse("n=" + (i % 3)))));
        }
        insert(List.of(a, b), builds);

        List<Long> seen = new ArrayList<>();
        BuildQuery query = BuildQuery.all(10);
        BuildPage page;
        do {
            BuildQuery current = query;
            page = datastore.read(r -> r.builds(current));
            page.builds().forEach(build -> seen.add(build.sequence()));
            query = query.withCursor(page.nextCursor());
        } while (page.nextCursor() != null);
        assertEquals(25, seen.size());
        for (int i = 0; i < 25; i++) {
            assertEquals(25 - i, seen.get(i), "newest first");
        }

        assertEquals(List.of(25L, 20L, 15L, 10L, 5L),
                sequences(BuildQuery.all(100).withStates(Set.of(BuildState.FAILED))));
        assertEquals(List.of(24L, 21L, 18L, 15L, 12L, 9L, 6L, 3L),
                sequences(BuildQuery.all(100).withTag(Tag.parse("n=0"))));
        assertEquals(List.of(20L, 10L), sequences(BuildQuery.all(100).withDerivationPath(a.path())
                .withStates(Set.of(BuildState.FAILED))));
        assertEquals(25, sequences(BuildQuery.all(100).withSystem(SYSTEM)).size());
        assertEquals(List.of(), sequences(BuildQuery.all(100).withSystem("aarch64-linux")));
    }

    @Test
    void sortsBuildsByEachFieldBothWaysAndPagesWithoutOverlapOrGap() {
        List<DerivationSummary> derivations = List.of(derivation("sort-a"), derivation("sort-b"),
                derivation("sort-c"));
        List<String> systems = List.of("x86_64-linux", "aarch64-linux", "i686-linux");
        List<BuildState> states = List.of(BuildState.SCHEDULED, BuildState.FAILED, BuildState.SUCCEEDED,
                BuildState.STARTED, BuildState.CANCELED);
        List<Build> builds = new ArrayList<>();
        for (int i = 1; i <= 23; i++) {
            Build base = build(i, derivations.get(i % 3), states.get(i % 5), Set.of(Tag.parse("half=" + (i % 2))));
            builds.add(new Build(base.id(), base.sequence(), base.derivationPath(), systems.get((i / 3) % 3), i % 4,
                    base.tags(), Set.of(), base.state(), base.submittedAt(), base.stateChangedAt(), null, null, null,
                    0, null));
        }
        insert(derivations, builds);

        Map<BuildSort, Comparator<Build>> fields = Map.of(
                BuildSort.SUBMITTED, Comparator.comparingLong(Build::sequence),
                BuildSort.PRIORITY, Comparator.comparingInt(Build::priority),
                BuildSort.STATE, Comparator.comparing(build -> build.state().id()),
                BuildSort.SYSTEM, Comparator.comparing(Build::system),
                BuildSort.DERIVATION, Comparator.comparing(Build::derivationPath));
        for (BuildSort sort : BuildSort.values()) {
            for (boolean ascending : List.of(true, false)) {
                Comparator<Build> order = fields.get(sort).thenComparingLong(Build::sequence);
                List<Long> expected = builds.stream().sorted(ascending ? order : order.reversed())
                        .map(Build::sequence).toList();
                assertEquals(expected, allPages(BuildQuery.all(4).sortedBy(sort, ascending)), sort + " " + ascending);
                List<Long> expectedHalf = builds.stream().filter(b -> b.tags().contains(Tag.parse("half=1")))
                        .sorted(ascending ? order : order.reversed()).map(Build::sequence).toList();
                assertEquals(expectedHalf, allPages(BuildQuery.all(3).withTag(Tag.parse("half=1"))
                        .sortedBy(sort, ascending)), sort + " " + ascending + " of half=1");
            }
        }

        String priorityCursor = datastore.read(r -> r.builds(BuildQuery.all(2).sortedBy(BuildSort.PRIORITY, true)))
                .nextCursor();
        assertThrows(InvalidRequestException.class, () -> datastore.read(r -> r.builds(BuildQuery.all(2)
                .sortedBy(BuildSort.SYSTEM, true).withCursor(priorityCursor))), "a cursor of another sort");
        assertThrows(InvalidRequestException.class, () -> datastore.read(r -> r.builds(BuildQuery.all(2)
                .withCursor(priorityCursor))), "a cursor of another sort");
        assertThrows(InvalidRequestException.class, () -> datastore.read(r -> r.builds(BuildQuery.all(2)
                .sortedBy(BuildSort.PRIORITY, true).withCursor("priority:a:x:1"))), "a malformed cursor");
    }

    @Test
    void countsBuildsByStateWithTheListFilters() {
        DerivationSummary a = derivation("count-a");
        DerivationSummary b = derivation("count-b");
        List<Build> builds = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            BuildState state = i <= 5 ? BuildState.SCHEDULED : i <= 9 ? BuildState.SUCCEEDED : BuildState.FAILED;
            builds.add(build(i, i % 2 == 0 ? a : b, state, Set.of(Tag.parse("even=" + (i % 2 == 0)))));
        }
        insert(List.of(a, b), builds);

        assertEquals(Map.of(BuildState.SCHEDULED, 5L, BuildState.SUCCEEDED, 4L, BuildState.FAILED, 3L),
                datastore.read(r -> r.buildCounts(BuildQuery.all(1))));
        assertEquals(Map.of(BuildState.SCHEDULED, 2L, BuildState.SUCCEEDED, 2L, BuildState.FAILED, 2L),
                datastore.read(r -> r.buildCounts(BuildQuery.all(1).withTag(Tag.parse("even=true")))));
        assertEquals(Map.of(BuildState.FAILED, 1L), datastore.read(r -> r.buildCounts(BuildQuery.all(1)
                .withDerivationPath(b.path()).withStates(Set.of(BuildState.FAILED, BuildState.STARTED)))));
        assertEquals(Map.of(), datastore.read(r -> r.buildCounts(BuildQuery.all(1).withSystem("aarch64-linux"))));

        // The counts without filters are kept as transactions commit: changes count, rolled back ones do not.
        Map<BuildState, Long> counted = datastore.write(tx -> {
            tx.updateBuild(builds.get(0).withState(BuildState.STARTED, T0));
            return tx.buildCounts(BuildQuery.all(1));
        });
        Map<BuildState, Long> expected = Map.of(BuildState.SCHEDULED, 4L, BuildState.STARTED, 1L,
                BuildState.SUCCEEDED, 4L, BuildState.FAILED, 3L);
        assertEquals(expected, counted, "a transaction counts its own changes");
        assertThrows(IllegalStateException.class, () -> datastore.write(tx -> {
            tx.updateBuild(builds.get(1).withState(BuildState.CANCELED, T0));
            tx.insertBuild(build(100, a, BuildState.SCHEDULED, Set.of()));
            throw new IllegalStateException("refused");
        }));
        assertEquals(expected, datastore.read(r -> r.buildCounts(BuildQuery.all(1))));
        assertEquals(Map.of(BuildState.STARTED, 1L, BuildState.FAILED, 3L), datastore.read(r -> r.buildCounts(
                BuildQuery.all(1).withStates(Set.of(BuildState.STARTED, BuildState.FAILED, BuildState.CANCELED)))));
        datastore.close();
        datastore = JpaDatastore.open(options);
        assertEquals(expected, datastore.read(r -> r.buildCounts(BuildQuery.all(1))), "counted again at the start");
    }

    @Test
    void replacesTheTagsOfABuild() {
        DerivationSummary drv = derivation("tagged");
        Build build = build(1, drv, BuildState.SUCCEEDED, Set.of(Tag.parse("keep=1"), Tag.parse("change=old"),
                Tag.parse("drop=x")));
        insert(List.of(drv), List.of(build));
        Set<Tag> tags = Set.of(Tag.parse("keep=1"), Tag.parse("change=new"), Tag.parse("checked-by=tagger"));

        datastore.write(tx -> {
            tx.updateBuildTags(build.id(), tags);
            return null;
        });

        assertEquals(tags, datastore.read(r -> r.build(build.id())).orElseThrow().tags());
        assertEquals(List.of(1L), sequences(BuildQuery.all(10).withTag(Tag.parse("change=new"))));
        assertEquals(List.of(), sequences(BuildQuery.all(10).withTag(Tag.parse("change=old"))));
        assertEquals(List.of(), sequences(BuildQuery.all(10).withTag(Tag.parse("drop=x"))));
        datastore.write(tx -> {
            tx.updateBuildTags(build.id(), Set.of());
            return null;
        });
        assertEquals(Set.of(), datastore.read(r -> r.build(build.id())).orElseThrow().tags());
    }

    @Test
    void listsTheBuildsAgentsHold() {
        DerivationSummary drv = derivation("held");
        UUID agent = UUID.randomUUID();
        Build allocated = build(1, drv, BuildState.ALLOCATED, Set.of()).withAgent(agent);
        Build started = build(2, drv, BuildState.STARTED, Set.of()).withAgent(agent);
        Build done = build(3, drv, BuildState.SUCCEEDED, Set.of()).withAgent(agent);
        Build waiting = build(4, drv, BuildState.SCHEDULED, Set.of());
        insert(List.of(drv), List.of(allocated, started, done, waiting));

        assertEquals(List.of(
                new RunningBuild(allocated.id(), agent, drv.path(), BuildState.ALLOCATED, allocated.stateChangedAt()),
                new RunningBuild(started.id(), agent, drv.path(), BuildState.STARTED, started.stateChangedAt())),
                datastore.read(r -> r.runningBuilds()));
    }

    @Test
    void storesTheCursorsOfTheOutboxReaders() {
        datastore.write(tx -> {
            tx.saveEventCursors(Map.of("hooks/build-success", 5L, "hooks/build-success/tagger", 7L,
                    "hooks/build-failure", 3L, "hooks/a_b", 1L));
            return null;
        });
        datastore.write(tx -> {
            tx.saveEventCursors(Map.of("hooks/build-success", 9L));
            return null;
        });

        assertEquals(Map.of("hooks/build-success", 9L, "hooks/build-success/tagger", 7L),
                datastore.read(r -> r.eventCursors("hooks/build-success")));
        assertEquals(Map.of("hooks/a_b", 1L), datastore.read(r -> r.eventCursors("hooks/a_")));
        assertEquals(Map.of(), datastore.read(r -> r.eventCursors("hooks/a%")), "% is no wildcard");
        assertEquals(4, datastore.read(r -> r.eventCursors("")).size());
    }

    @Test
    void findsBuildsByDerivationByInputAndByOutput() {
        DerivationSummary input = derivation("input");
        DerivationSummary top = derivation("top", input);
        Build inputBuild = build(1, input, BuildState.FAILED, Set.of());
        Build topBuild = build(2, top, BuildState.SCHEDULED, Set.of());
        insert(List.of(input, top), List.of(inputBuild, topBuild));

        assertEquals(List.of(new BuildRef(inputBuild.id(), input.path(), BuildState.FAILED, 1)),
                datastore.read(r -> r.buildRefsOfDerivations(List.of(input.path()))));
        assertEquals(List.of(new BuildRef(topBuild.id(), top.path(), BuildState.SCHEDULED, 2)),
                datastore.read(r -> r.buildRefsWaitingOn(List.of(input.path()), Set.of(BuildState.SCHEDULED))));
        assertEquals(List.of(), datastore.read(r -> r.buildRefsWaitingOn(List.of(input.path()),
                Set.of(BuildState.DEPENDENCY_FAILED))));
        assertEquals(Map.of(storePath("top"), topBuild.id()),
                datastore.read(r -> r.buildsProducing(List.of(storePath("top"), storePath("other")))));
    }

    @Test
    void answersLargeKeySetsInChunks() {
        List<DerivationSummary> derivations = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            derivations.add(derivation("many" + i));
        }
        datastore.write(tx -> {
            tx.insertDerivations(derivations);
            return null;
        });
        List<String> paths = new ArrayList<>(derivations.stream().map(DerivationSummary::path).toList());
        paths.add(storePath("absent.drv"));

        assertEquals(1_200, datastore.read(r -> r.knownDerivations(paths)).size());
    }

    @Test
    void holdsTheOutputsOfSucceededBuilds() {
        DerivationSummary drv = derivation("a");
        Build build = build(1, drv, BuildState.SUCCEEDED, Set.of());
        insert(List.of(drv), List.of(build));
        OutputMetadata out = new OutputMetadata("out", storePath("a"), NAR_HASH, 1234,
                List.of(storePath("a"), storePath("glibc")));

        datastore.write(tx -> {
            tx.insertBuildOutputs(build.id(), drv.path(), List.of(out), T0);
            return null;
        });

        assertEquals(Set.of(storePath("a")), datastore.read(r -> r.heldPaths(List.of(storePath("a"), storePath("b")))));
        StoredOutput stored = datastore.read(r -> r.storedOutput(storePath("a"))).orElseThrow();
        assertEquals(new StoredOutput(storePath("a"), NAR_HASH, 1234, out.references(), drv.path(), build.id(), T0),
                stored);
        String hashPart = storePath("a").substring("/nix/store/".length(), "/nix/store/".length() + 32);
        assertEquals(stored, datastore.read(r -> r.storedOutputByHashPart(hashPart)).orElseThrow());
        assertEquals(List.of(out), datastore.read(r -> r.buildOutputs(build.id())));
    }

    @Test
    void listsTheHeldPathsPageByPageInTheOrderOfTheirPaths() {
        List<String> names = List.of("c", "a", "d", "b");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            DerivationSummary drv = derivation(name);
            Build build = build(i + 1, drv, BuildState.SUCCEEDED, Set.of());
            insert(List.of(drv), List.of(build));
            datastore.write(tx -> {
                tx.insertBuildOutputs(build.id(), drv.path(),
                        List.of(new OutputMetadata("out", storePath(name), NAR_HASH, 1, List.of())), T0);
                return null;
            });
        }
        List<String> sorted = names.stream().map(Fixtures::storePath).sorted().toList();
        List<StoredOutput> first = datastore.read(r -> r.storedOutputs("", 3));
        assertEquals(sorted.subList(0, 3), first.stream().map(StoredOutput::path).toList());
        List<StoredOutput> rest = datastore.read(r -> r.storedOutputs(first.get(2).path(), 3));
        assertEquals(sorted.subList(3, 4), rest.stream().map(StoredOutput::path).toList());
        assertEquals(List.of(), datastore.read(r -> r.storedOutputs(sorted.get(3), 3)));
    }

    @Test
    void readsWhatRetentionWeighsAndStopsHoldingPaths() {
        DerivationSummary lib = derivation("lib");
        DerivationSummary app = derivation("app", lib);
        DerivationSummary kept = derivation("kept");
        Build libBuild = build(1, lib, BuildState.SUCCEEDED, Set.of());
        Build appBuild = build(2, app, BuildState.SCHEDULED, Set.of());
        Build keptBuild = build(3, kept, BuildState.SUCCEEDED, Set.of(Tag.parse("keep=release")));
        insert(List.of(lib, app, kept), List.of(libBuild, appBuild, keptBuild));
        String otherHash = "sha256:" + "2".repeat(52);
        datastore.write(tx -> {
            tx.insertBuildOutputs(libBuild.id(), lib.path(),
                    List.of(new OutputMetadata("out", storePath("lib"), NAR_HASH, 10, List.of())), T0);
            tx.insertBuildOutputs(keptBuild.id(), kept.path(), List.of(new OutputMetadata("out", storePath("kept"),
                    otherHash, 20, List.of(storePath("lib")))), T0.plusSeconds(1));
            return null;
        });
        String libHashPart = storePath("lib").substring("/nix/store/".length(), "/nix/store/".length() + 32);
        datastore.write(tx -> {
            tx.recordServed(Map.of(libHashPart, T0.plusSeconds(60), "0".repeat(32), T0));
            return null;
        });

        Map<String, HeldPath> held = new TreeMap<>();
        datastore.read(r -> r.heldPathsForRetention()).forEach(path -> held.put(path.path(), path));
        assertEquals(new HeldPath(storePath("lib"), NAR_HASH, 10, List.of(), T0, T0.plusSeconds(60)),
                held.get(storePath("lib")));
        assertEquals(new HeldPath(storePath("kept"), otherHash, 20, List.of(storePath("lib")), T0.plusSeconds(1),
                null), held.get(storePath("kept")));
        assertEquals(Set.of(kept.path()), datastore.read(r -> r.derivationsOfBuildsTagged("keep")));
        assertEquals(Set.of(storePath("kept"), storePath("app")),
                datastore.read(r -> r.outputPathsOf(List.of(kept.path(), app.path()))));
        assertEquals(Set.of(storePath("lib"), storePath("app-builder.sh")),
                datastore.read(r -> r.pathsNeededByPendingBuilds()));

        datastore.write(tx -> {
            tx.deleteHeldPaths(List.of(storePath("kept")));
            return null;
        });
        assertEquals(Set.of(storePath("lib")),
                datastore.read(r -> r.heldPaths(List.of(storePath("lib"), storePath("kept")))));
        assertEquals(Set.of(NAR_HASH), datastore.read(r -> r.heldNarHashes(List.of(NAR_HASH, otherHash))));
        assertEquals(Optional.empty(), datastore.read(r -> r.storedOutput(storePath("kept"))));
    }

    @Test
    void deletesOldEventsOnlyOnceEveryReaderHasThem() {
        List<Long> ids = datastore.write(tx -> {
            List<Long> appended = new ArrayList<>();
            for (int seconds : new int[] {0, 10, 20}) {
                appended.add(tx.appendEvent(EventType.AGENT_LOST, T0.plusSeconds(seconds), null, null, Map.of()).id());
            }
            tx.saveEventCursors(Map.of("hook:a", appended.get(0), "hook:b", appended.get(1)));
            return appended;
        });

        // The second is old enough, but hook:a has not had it yet.
        assertEquals(1, (int) datastore.write(tx -> tx.deleteEventsBefore(T0.plusSeconds(15))));
        datastore.close();
        datastore = JpaDatastore.open(options);
        assertEquals(ids.subList(1, 3), datastore.read(r -> r.eventsAfter(0, 10)).stream().map(Event::id).toList());
    }

    @Test
    void recordsSetupFailuresWithTheirMissingInputs() {
        DerivationSummary drv = derivation("a");
        Build build = build(1, drv, BuildState.SCHEDULED, Set.of());
        insert(List.of(drv), List.of(build));
        UUID agent = UUID.randomUUID();
        SetupFailure missing = new SetupFailure(build.id(), agent, T0, SetupFailureKind.MISSING_INPUTS,
                List.of(storePath("x"), storePath("y")));
        SetupFailure other = new SetupFailure(build.id(), agent, T0.plusSeconds(1),
                SetupFailureKind.COULD_NOT_DELETE_OUTPUTS, List.of());

        datastore.write(tx -> {
            tx.insertSetupFailure(missing);
            tx.insertSetupFailure(other);
            return null;
        });

        assertEquals(List.of(missing, other), datastore.read(r -> r.setupFailures(build.id())));
    }

    @Test
    void storesAgentsTheirPasswordHashesAndWhenTheyWereSeen() {
        Agent agent = new Agent(UUID.randomUUID(), "builder-1", "the first", Set.of(SYSTEM, "i686-linux"),
                Set.of(Tag.parse("kvm=yes")), true, T0, null);
        datastore.write(tx -> {
            tx.insertAgent(agent, "hash-1");
            return null;
        });
        assertEquals(agent, datastore.read(r -> r.agent(agent.id())).orElseThrow());
        assertEquals("hash-1", datastore.read(r -> r.agentPasswordHash(agent.id())).orElseThrow());

        Agent changed = new Agent(agent.id(), "builder-1", "the first", Set.of(SYSTEM), Set.of(), false, T0,
                T0.plusSeconds(5));
        datastore.write(tx -> {
            tx.updateAgent(changed);
            tx.updateAgentPasswordHash(agent.id(), "hash-2");
            return null;
        });

        assertEquals(List.of(changed), datastore.read(r -> r.agents()));
        assertEquals("hash-2", datastore.read(r -> r.agentPasswordHash(agent.id())).orElseThrow());
        assertEquals(changed, datastore.read(r -> r.agentNamed("builder-1")).orElseThrow());
        assertTrue(datastore.read(r -> r.agentNamed("builder-2")).isEmpty());
    }

    @Test
    void deletesAnAgentAndFreesItsName() {
        Agent agent = new Agent(UUID.randomUUID(), "short-lived", "", Set.of(SYSTEM), Set.of(Tag.parse("kvm=yes")),
                true, T0, null);
        datastore.write(tx -> {
            tx.insertAgent(agent, "h");
            return null;
        });
        assertThrows(RuntimeException.class, () -> datastore.write(tx -> {
            tx.insertAgent(new Agent(UUID.randomUUID(), "short-lived", "", Set.of(SYSTEM), Set.of(), true, T0, null),
                    "h");
            return null;
        }), "names are unique");

        datastore.write(tx -> {
            tx.deleteAgent(agent.id());
            assertTrue(tx.agent(agent.id()).isEmpty(), "gone within the transaction");
            return null;
        });

        assertTrue(datastore.read(r -> r.agent(agent.id())).isEmpty(), "gone from the cache too");
        assertTrue(datastore.read(r -> r.agentPasswordHash(agent.id())).isEmpty());
        assertTrue(datastore.read(r -> r.agents()).stream().noneMatch(a -> a.id().equals(agent.id())));
        Agent again = new Agent(UUID.randomUUID(), "short-lived", "", Set.of(SYSTEM), Set.of(), true, T0, null);
        datastore.write(tx -> {
            tx.insertAgent(again, "h");
            return null;
        });
        assertEquals(again, datastore.read(r -> r.agentNamed("short-lived")).orElseThrow());
    }

    @Test
    void findsSilentAgentsHoldingBuilds() {
        Agent silent = new Agent(UUID.randomUUID(), "silent", "", Set.of(SYSTEM), Set.of(), true, T0, T0);
        Agent alive = new Agent(UUID.randomUUID(), "alive", "", Set.of(SYSTEM), Set.of(), true, T0,
                T0.plusSeconds(600));
        Agent idle = new Agent(UUID.randomUUID(), "idle", "", Set.of(SYSTEM), Set.of(), true, T0, T0);
        DerivationSummary drv = derivation("a");
        Build heldBySilent = build(1, drv, BuildState.STARTED, Set.of()).withAgent(silent.id());
        Build heldByAlive = build(2, drv, BuildState.ALLOCATED, Set.of()).withAgent(alive.id());
        datastore.write(tx -> {
            tx.insertAgent(silent, "h");
            tx.insertAgent(alive, "h");
            tx.insertAgent(idle, "h");
            return null;
        });
        insert(List.of(drv), List.of(heldBySilent, heldByAlive));

        assertEquals(List.of(silent.id()), datastore.read(r -> r.agentsSilentSince(T0.plusSeconds(300))));
    }

    @Test
    void readsThePendingBuildsWithTheirInputsRequiredTagsAndShareGroups() {
        DerivationSummary input = derivation("input");
        DerivationSummary top = derivation("top", input);
        DerivationSummary other = derivation("other");
        UUID agent = UUID.randomUUID();
        Build done = build(1, input, BuildState.SUCCEEDED, Set.of());
        Build allocated = build(2, input, BuildState.ALLOCATED, Set.of()).withAgent(agent);
        Build scheduled = new Build(UUID.randomUUID(), 3, top.path(), SYSTEM, 4,
                Set.of(Tag.parse("jobset=nixpkgs"), Tag.parse("share=ignored")), Set.of(Tag.parse("big=1")),
                BuildState.SCHEDULED, T0, T0, null, null, null, 0, T0.plusSeconds(9));
        Build started = build(4, other, BuildState.STARTED, Set.of(Tag.parse("share=team-a"))).withAgent(agent)
                .withStartedAt(T0.plusSeconds(5));
        insert(List.of(input, top, other), List.of(done, allocated, scheduled, started));

        List<PendingBuild> pending = datastore.read(r -> r.pendingBuilds());

        assertEquals(List.of(
                new PendingBuild(allocated.id(), 2, input.path(), SYSTEM, 0, Set.of(), Set.of(), BuildState.ALLOCATED,
                        agent, null),
                new PendingBuild(scheduled.id(), 3, top.path(), SYSTEM, 4, Set.of(Tag.parse("big=1")),
                        Set.of(input.path()), BuildState.SCHEDULED, null, T0.plusSeconds(9), Set.of(),
                        Tag.parse("jobset=nixpkgs"), null),
                new PendingBuild(started.id(), 4, other.path(), SYSTEM, 0, Set.of(), Set.of(), BuildState.STARTED,
                        agent, null, Set.of(), Tag.parse("share=team-a"), T0.plusSeconds(5))), pending);
    }

    @Test
    void readsTheBuildTimeOfTheBuildsFinishedSinceATimeWithTheirShareGroups() {
        DerivationSummary drv = derivation("timed");
        Build old = build(1, drv, BuildState.SUCCEEDED, Set.of(Tag.parse("jobset=web")))
                .withStartedAt(T0).withFinishedAt(T0.plusSeconds(10));
        Build late = build(2, drv, BuildState.FAILED, Set.of(Tag.parse("share=team-a")))
                .withStartedAt(T0.plusSeconds(100)).withFinishedAt(T0.plusSeconds(160));
        Build early = build(3, drv, BuildState.SUCCEEDED, Set.of())
                .withStartedAt(T0.plusSeconds(90)).withFinishedAt(T0.plusSeconds(120));
        Build neverStarted = build(4, drv, BuildState.CANCELED, Set.of()).withFinishedAt(T0.plusSeconds(130));
        insert(List.of(drv), List.of(old, late, early, neverStarted));

        assertEquals(List.of(new BuildTime(null, T0.plusSeconds(90), T0.plusSeconds(120)),
                new BuildTime(Tag.parse("share=team-a"), T0.plusSeconds(100), T0.plusSeconds(160))),
                datastore.read(r -> r.buildTimesSince(T0.plusSeconds(60))));
    }

    @Test
    void appendsEventsInOrderAndTellsListenersAfterTheCommit() throws Exception {
        List<Event> told = new CopyOnWriteArrayList<>();
        datastore.subscribe(told::addAll);
        UUID build = UUID.randomUUID();

        Event first = datastore.write(tx -> tx.appendEvent(EventType.BUILD_SUBMITTED, T0, build, null,
                Map.of("derivation", "/nix/store/x.drv", "quote", "a \"b\"\n\\c")));
        Event second = datastore.write(tx -> tx.appendEvent(EventType.AGENT_LOST, T0, null, UUID.randomUUID(),
                Map.of()));

        assertTrue(second.id() > first.id());
        assertEquals(List.of(first, second), datastore.read(r -> r.eventsAfter(0, 10)));
        assertEquals(List.of(second), datastore.read(r -> r.eventsAfter(first.id(), 10)));
        assertEquals(second.id(), (long) datastore.<Long>read(r -> r.latestEventId()));
        List<Long> seenInTheTransaction = datastore.write(tx -> {
            long before = tx.latestEventId();
            Event third = tx.appendEvent(EventType.AGENT_LOST, T0, null, null, Map.of());
            return List.of(before, third.id(), tx.latestEventId(), (long) tx.eventsAfter(second.id(), 10).size());
        });
        assertEquals(second.id(), seenInTheTransaction.get(0));
        assertEquals(seenInTheTransaction.get(1), seenInTheTransaction.get(2), "a transaction sees its own event");
        assertEquals(1L, seenInTheTransaction.get(3));
        assertEquals(seenInTheTransaction.get(1), datastore.<Long>read(r -> r.latestEventId()));
        awaitSize(told, 3);
        assertEquals(List.of(first, second), told.subList(0, 2));
        datastore.close();
        datastore = JpaDatastore.open(options);
        assertEquals(seenInTheTransaction.get(1), datastore.<Long>read(r -> r.latestEventId()), "after a restart");
    }

    @Test
    void rollsBackEverythingWhenTheWorkFails() throws Exception {
        List<Event> told = new CopyOnWriteArrayList<>();
        datastore.subscribe(told::addAll);
        DerivationSummary drv = derivation("a");
        List<String> afterCommit = new CopyOnWriteArrayList<>();

        assertThrows(IllegalStateException.class, () -> datastore.write(tx -> {
            tx.insertDerivations(List.of(drv));
            tx.insertBuild(build(tx.nextBuildSequence(), drv, BuildState.SCHEDULED, Set.of()));
            tx.appendEvent(EventType.BUILD_SUBMITTED, T0, null, null, Map.of());
            tx.afterCommit(() -> afterCommit.add("ran"));
            throw new IllegalStateException("refused");
        }));

        assertFalse(datastore.read(r -> r.derivation(drv.path())).isPresent());
        assertEquals(0, datastore.read(r -> r.builds(BuildQuery.all(10))).builds().size());
        assertEquals(0L, (long) datastore.<Long>read(r -> r.latestEventId()));
        datastore.write(tx -> tx.appendEvent(EventType.AGENT_LOST, T0, null, null, Map.of()));
        awaitSize(told, 1);
        assertEquals(EventType.AGENT_LOST, told.get(0).type(), "the rolled back event was never told");
        assertEquals(List.of(), afterCommit);
    }

    @Test
    void readsTheLatestEventsFromMemoryAsTheDatabaseKeepsThem() {
        UUID build = UUID.randomUUID();
        Instant precise = Instant.parse("2026-11-22T10:00:00.123456789Z");
        for (int i = 0; i < 3; i++) {
            int n = i;
            datastore.write(tx -> tx.appendEvent(EventType.BUILD_STARTED, precise.plusSeconds(n), build, null,
                    Map.of("derivation", "/nix/store/" + n, "note", "é \"quoted\"")));
        }
        List<Event> fromMemory = datastore.read(r -> r.eventsAfter(0, 10));

        datastore.close();
        datastore = JpaDatastore.open(options);
        List<Event> fromDatabase = datastore.read(r -> r.eventsAfter(0, 10));

        assertEquals(3, fromDatabase.size());
        assertEquals(fromDatabase, fromMemory);
        assertEquals(Instant.parse("2026-11-22T10:00:00.123Z"), fromMemory.get(0).time(), "to the millisecond");
        assertEquals(fromDatabase.subList(1, 3), datastore.read(r -> r.eventsAfter(fromDatabase.get(0).id(), 10)));
        Event next = datastore.write(tx -> tx.appendEvent(EventType.AGENT_LOST, T0, null, null, Map.of()));
        assertEquals(List.of(next.id()), datastore.read(r -> r.eventsAfter(fromDatabase.get(2).id(), 10)).stream()
                .map(Event::id).toList(), "the first event after a restart, from memory");
        assertEquals(4, datastore.read(r -> r.eventsAfter(0, 10)).size(), "older ones from the database");
    }

    @Test
    void keepsEverythingAcrossARestartAndContinuesTheNumbering() {
        DerivationSummary drv = derivation("a");
        long firstSequence = datastore.write(tx -> tx.nextBuildSequence());
        Build build = build(firstSequence, drv, BuildState.SCHEDULED, Set.of());
        insert(List.of(drv), List.of(build));
        Event event = datastore.write(tx -> tx.appendEvent(EventType.BUILD_SUBMITTED, T0, build.id(), null, Map.of()));

        datastore.close();
        datastore = JpaDatastore.open(options);

        assertEquals(build, datastore.read(r -> r.build(build.id())).orElseThrow());
        assertTrue(datastore.write(tx -> tx.nextBuildSequence()) > firstSequence);
        Event next = datastore.write(tx -> tx.appendEvent(EventType.BUILD_SUBMITTED, T0, null, null, Map.of()));
        assertTrue(next.id() > event.id());
    }

    @Test
    void readsWhatWasLastCommittedWhateverWasReadBeforeAndKeepsItAcrossARestart() {
        DerivationSummary drv = derivation("a");
        Build build = build(1, drv, BuildState.SCHEDULED, Set.of(Tag.parse("jobset=main")));
        insert(List.of(drv), List.of(build));
        Agent agent = new Agent(UUID.randomUUID(), "builder-1", "", Set.of(SYSTEM), Set.of(), true, T0, null);
        datastore.write(tx -> {
            tx.insertAgent(agent, "hash");
            return null;
        });
        assertEquals(build, datastore.read(r -> r.build(build.id())).orElseThrow());
        assertEquals(agent, datastore.read(r -> r.agent(agent.id())).orElseThrow());
        assertEquals(drv, datastore.read(r -> r.derivation(drv.path())).orElseThrow());

        Instant later = T0.plusSeconds(60);
        Build started = build.withState(BuildState.STARTED, later).withAgent(agent.id()).withStartedAt(later)
                .withDeferUntil(later).withPriority(3);
        Agent seen = agent.withLastSeen(later);
        Build seenInTheTransaction = datastore.write(tx -> {
            tx.updateBuild(started);
            tx.updateAgent(seen);
            return tx.build(build.id()).orElseThrow();
        });
        assertEquals(started, seenInTheTransaction, "a transaction reads its own writes");
        assertEquals(started, datastore.read(r -> r.build(build.id())).orElseThrow());
        assertEquals(seen, datastore.read(r -> r.agent(agent.id())).orElseThrow());

        // Back to nulls, and a change of more than when the agent was seen.
        Build rescheduled = started.withState(BuildState.SCHEDULED, later.plusSeconds(1)).withAgent(null)
                .withStartedAt(null).withDeferUntil(null);
        Agent retired = new Agent(agent.id(), "builder-2", "moved", Set.of("i686-linux"), Set.of(Tag.parse("a=b")),
                false, T0, later.plusSeconds(1));
        datastore.write(tx -> {
            tx.updateBuild(rescheduled);
            tx.updateAgent(retired);
            tx.updateBuildTags(build.id(), Set.of(Tag.parse("jobset=next")));
            return null;
        });
        Build retagged = rescheduled.withTags(Set.of(Tag.parse("jobset=next")));
        assertEquals(retagged, datastore.read(r -> r.build(build.id())).orElseThrow());
        assertEquals(retired, datastore.read(r -> r.agent(agent.id())).orElseThrow());
        assertEquals(List.of(retagged), datastore.read(r -> r.builds(List.of(build.id(), UUID.randomUUID()))));

        datastore.close();
        datastore = JpaDatastore.open(options);
        assertEquals(retagged, datastore.read(r -> r.build(build.id())).orElseThrow());
        assertEquals(retired, datastore.read(r -> r.agent(agent.id())).orElseThrow());
        assertEquals(drv, datastore.read(r -> r.derivation(drv.path())).orElseThrow());
        assertEquals(Map.of(BuildState.SCHEDULED, 1L), datastore.read(r -> r.buildCounts(BuildQuery.all(1))));
    }

    @Test
    void aFailedWriteLeavesNothingForLaterReads() {
        DerivationSummary drv = derivation("a");
        DerivationSummary other = derivation("b");
        Build build = build(1, drv, BuildState.SCHEDULED, Set.of());
        insert(List.of(drv), List.of(build));
        Agent agent = new Agent(UUID.randomUUID(), "builder-1", "", Set.of(SYSTEM), Set.of(), true, T0, null);
        datastore.write(tx -> {
            tx.insertAgent(agent, "hash");
            return null;
        });
        datastore.read(r -> r.build(build.id()));
        datastore.read(r -> r.agent(agent.id()));

        assertThrows(IllegalStateException.class, () -> datastore.write(tx -> {
            tx.updateBuild(build.withState(BuildState.ALLOCATED, T0.plusSeconds(1)).withAgent(agent.id()));
            tx.updateAgent(agent.withLastSeen(T0.plusSeconds(1)));
            tx.insertDerivations(List.of(other));
            assertTrue(tx.derivation(other.path()).isPresent(), "the transaction sees its derivation");
            throw new IllegalStateException("refused");
        }));

        assertEquals(build, datastore.read(r -> r.build(build.id())).orElseThrow());
        assertEquals(agent, datastore.read(r -> r.agent(agent.id())).orElseThrow());
        assertFalse(datastore.read(r -> r.derivation(other.path())).isPresent());
        assertEquals(Map.of(BuildState.SCHEDULED, 1L), datastore.read(r -> r.buildCounts(BuildQuery.all(1))));
        assertEquals(List.of(), datastore.read(r -> r.buildsOfAgent(agent.id(), Set.of(BuildState.ALLOCATED))));
    }

    @Test
    void readersRacingAWriterNeverSeeAnOlderBuildThanTheyDidBefore() throws Exception {
        DerivationSummary drv = derivation("a");
        Build build = build(1, drv, BuildState.SCHEDULED, Set.of());
        insert(List.of(drv), List.of(build));
        int versions = 150;
        List<String> problems = new CopyOnWriteArrayList<>();
        CountDownLatch writing = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().start(() -> {
            writing.countDown();
            for (int priority = 1; priority <= versions; priority++) {
                Build next = build.withPriority(priority);
                datastore.write(tx -> {
                    tx.updateBuild(next);
                    return null;
                });
            }
        }));
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    writing.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                int last = 0;
                for (int i = 0; i < 2_000 && last < versions; i++) {
                    int priority = datastore.read(r -> r.build(build.id())).orElseThrow().priority();
                    if (priority < last) {
                        problems.add("read priority " + priority + " after " + last);
                    }
                    last = priority;
                }
            }));
        }
        join(threads);

        assertEquals(List.of(), problems);
        assertEquals(versions, datastore.read(r -> r.build(build.id())).orElseThrow().priority());
    }

    @Test
    void refusesAWriteInsideAWrite() {
        assertThrows(IllegalStateException.class, () -> datastore.write(tx -> datastore.write(inner -> null)));
        assertNull(datastore.read(r -> null));
    }

    @Test
    void servesConcurrentReadersAndWritersConsistently() throws Exception {
        DerivationSummary drv = derivation("a");
        datastore.write(tx -> {
            tx.insertDerivations(List.of(drv));
            return null;
        });
        List<Thread> threads = new ArrayList<>();
        Set<Long> sequences = Collections.synchronizedSet(new HashSet<>());
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    datastore.write(tx -> {
                        Build build = build(tx.nextBuildSequence(), drv, BuildState.SCHEDULED, Set.of());
                        tx.insertBuild(build);
                        sequences.add(build.sequence());
                        return null;
                    });
                    datastore.read(r -> r.builds(BuildQuery.all(5)));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(100, sequences.size());
        assertEquals(100, datastore.read(r -> r.buildRefsOfDerivations(List.of(drv.path()))).size());
    }

    @Test
    void commitsWaitingWritersTogetherAndAnswersEachOnceItsWorkIsCommitted() throws Exception {
        DerivationSummary drv = derivation("a");
        insert(List.of(drv), List.of());
        List<Event> told = new CopyOnWriteArrayList<>();
        datastore.subscribe(told::addAll);
        Set<Object> transactions = Collections.newSetFromMap(new ConcurrentHashMap<>());
        Map<Integer, Boolean> committedOnReturn = new ConcurrentHashMap<>();
        List<String> afterCommit = new CopyOnWriteArrayList<>();

        Holder holder = holdWriter();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int writer = i;
            writers.add(queueWrite(() -> {
                Build build = datastore.write(tx -> {
                    transactions.add(((JpaTransaction) tx).manager());
                    Build inserted = build(tx.nextBuildSequence(), drv, BuildState.SCHEDULED, Set.of());
                    tx.insertBuild(inserted);
                    tx.appendEvent(EventType.BUILD_SUBMITTED, T0, inserted.id(), null, Map.of());
                    tx.afterCommit(() -> afterCommit.add("writer " + writer));
                    return inserted;
                });
                committedOnReturn.put(writer, datastore.read(r -> r.build(build.id())).isPresent());
            }, i + 1));
        }
        holder.release();
        join(writers);

        assertEquals(10, committedOnReturn.size());
        assertFalse(committedOnReturn.containsValue(false), "a caller returned before its work was committed");
        assertEquals(1, transactions.size(), "the 10 waiting works were committed in one transaction");
        assertEquals(10, datastore.read(r -> r.buildRefsOfDerivations(List.of(drv.path()))).size());
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "writer " + i).toList(), afterCommit);
        awaitSize(told, 10);
        assertEquals(told.stream().map(Event::id).sorted().toList(), told.stream().map(Event::id).toList());
    }

    @Test
    void aWorkThatFailsInAGroupFailsAloneAndTheOthersAreCommitted() throws Exception {
        DerivationSummary drv = derivation("a");
        insert(List.of(drv), List.of());
        List<Event> told = new CopyOnWriteArrayList<>();
        datastore.subscribe(told::addAll);
        List<String> afterCommit = new CopyOnWriteArrayList<>();
        Map<Integer, Object> outcomes = new ConcurrentHashMap<>();

        Holder holder = holdWriter();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int writer = i;
            writers.add(queueWrite(() -> {
                try {
                    outcomes.put(writer, datastore.write(tx -> {
                        Build build = build(tx.nextBuildSequence(), drv, BuildState.SCHEDULED, Set.of());
                        tx.insertBuild(build);
                        tx.appendEvent(EventType.BUILD_SUBMITTED, T0, build.id(), null, Map.of());
                        tx.afterCommit(() -> afterCommit.add("writer " + writer));
                        if (writer == 1) {
                            throw new IllegalArgumentException("refused by writer 1");
                        }
                        if (writer == 3) {
                            datastore.write(inner -> null);
                        }
                        return build;
                    }));
                } catch (RuntimeException e) {
                    outcomes.put(writer, e);
                }
            }, i + 1));
        }
        holder.release();
        join(writers);

        assertEquals("refused by writer 1", assertInstanceOf(IllegalArgumentException.class, outcomes.get(1))
                .getMessage());
        assertInstanceOf(IllegalStateException.class, outcomes.get(3), "a write inside a write is refused");
        Set<UUID> committed = new HashSet<>();
        for (int writer : List.of(0, 2, 4)) {
            Build build = assertInstanceOf(Build.class, outcomes.get(writer));
            assertEquals(build, datastore.read(r -> r.build(build.id())).orElseThrow());
            committed.add(build.id());
        }
        assertEquals(3, datastore.read(r -> r.buildRefsOfDerivations(List.of(drv.path()))).size());
        assertEquals(List.of("writer 0", "writer 2", "writer 4"), afterCommit);
        awaitSize(told, 3);
        assertEquals(committed, told.stream().map(Event::buildId).collect(Collectors.toSet()));
        assertEquals(3, datastore.read(r -> r.eventsAfter(0, 100)).size());
    }

    @Test
    void aWriteLaterReturnsAtOnceAndIsCommittedBeforeTheWritesQueuedAfterIt() throws Exception {
        DerivationSummary drv = derivation("a");
        insert(List.of(drv), List.of());
        Build build = datastore.write(tx -> {
            Build inserted = build(tx.nextBuildSequence(), drv, BuildState.SCHEDULED, Set.of());
            tx.insertBuild(inserted);
            return inserted;
        });
        UUID agent = UUID.randomUUID();

        Holder holder = holdWriter();
        CompletableFuture<Build> later = datastore.writeLater(tx -> {
            Build allocated = build.withState(BuildState.ALLOCATED, T0).withAgent(agent);
            tx.updateBuild(allocated);
            return allocated;
        }).toCompletableFuture();
        assertFalse(later.isDone(), "returned while the writer is held");
        // A write queued after it finds what it wrote.
        CompletableFuture<BuildState> seen = new CompletableFuture<>();
        Thread after = Thread.ofVirtual().start(() -> seen.complete(datastore.write(tx ->
                tx.build(build.id()).orElseThrow().state())));
        holder.release();
        after.join(TimeUnit.SECONDS.toMillis(60));

        assertEquals(BuildState.ALLOCATED, seen.get(60, TimeUnit.SECONDS));
        assertEquals(agent, later.get(60, TimeUnit.SECONDS).agentId());
        assertEquals(agent, datastore.read(r -> r.build(build.id())).orElseThrow().agentId());
    }

    @Test
    void aWriteLaterThatFailsCompletesExceptionallyAndChangesNothing() throws Exception {
        CompletableFuture<Object> failed = datastore.writeLater(tx -> {
            tx.appendEvent(EventType.AGENT_LOST, T0, null, null, Map.of());
            throw new IllegalArgumentException("refused");
        }).toCompletableFuture();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> failed.get(60, TimeUnit.SECONDS));
        assertEquals("refused", assertInstanceOf(IllegalArgumentException.class, failure.getCause()).getMessage());
        assertEquals(List.of(), datastore.read(r -> r.eventsAfter(0, 10)));
    }

    @Test
    void closingCommitsTheWritesQueuedLaterAndRefusesNewOnes() throws Exception {
        Holder holder = holdWriter();
        List<CompletableFuture<Event>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(datastore.writeLater(tx -> tx.appendEvent(EventType.AGENT_LOST, T0, null, null, Map.of()))
                    .toCompletableFuture());
        }
        Thread closing = Thread.ofVirtual().start(datastore::close);
        holder.release();
        closing.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(closing.isAlive());
        for (CompletableFuture<Event> write : queued) {
            assertTrue(write.isDone() && !write.isCompletedExceptionally(), "committed before the datastore closed");
        }
        assertTrue(datastore.writeLater(tx -> null).toCompletableFuture().isCompletedExceptionally(),
                "refused once closed");

        datastore = JpaDatastore.open(options);
        assertEquals(5, datastore.read(r -> r.eventsAfter(0, 10)).size());
    }

    @Test
    void commitsAtMostTheLimitOfWorksInOneTransaction() throws Exception {
        int count = 2 * JpaDatastore.GROUP_LIMIT + 1;
        Map<Object, Integer> worksPerTransaction = new ConcurrentHashMap<>();

        Holder holder = holdWriter();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writers.add(queueWrite(() -> datastore.write(tx -> {
                worksPerTransaction.merge(((JpaTransaction) tx).manager(), 1, Integer::sum);
                return tx.appendEvent(EventType.AGENT_LOST, T0, null, null, Map.of());
            }), i + 1));
        }
        holder.release();
        join(writers);

        assertEquals(count, datastore.read(r -> r.eventsAfter(0, 1_000)).size());
        assertEquals(count, worksPerTransaction.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(worksPerTransaction.values().stream().allMatch(works -> works <= JpaDatastore.GROUP_LIMIT),
                "works per transaction: " + worksPerTransaction.values());
        assertTrue(worksPerTransaction.size() >= 3, "transactions: " + worksPerTransaction.size());
    }

    /** A writer that holds the writer lock, inside its work, until released. */
    private final class Holder {
        private final CountDownLatch inside = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread thread = Thread.ofVirtual().start(() -> datastore.write(tx -> {
            inside.countDown();
            try {
                return release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));

        void release() throws InterruptedException {
            release.countDown();
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    private Holder holdWriter() throws InterruptedException {
        Holder holder = new Holder();
        assertTrue(holder.inside.await(30, TimeUnit.SECONDS));
        return holder;
    }

    /** Starts a thread that writes, and returns once its work waits as the {@code position}-th in the queue. */
    private Thread queueWrite(Runnable writer, int position) throws InterruptedException {
        Thread thread = Thread.ofVirtual().start(writer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (datastore.queuedWrites() < position && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(position, datastore.queuedWrites());
        return thread;
    }

    private static void join(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive());
        }
    }

    private void insert(List<DerivationSummary> derivations, List<Build> builds) {
        datastore.write(tx -> {
            tx.insertDerivations(derivations);
            builds.forEach(tx::insertBuild);
            return null;
        });
    }

    /** The sequences of every page of the query, following the cursors, at most 100 pages. */
    private List<Long> allPages(BuildQuery first) {
        List<Long> seen = new ArrayList<>();
        BuildQuery query = first;
        for (int pages = 0; pages < 100; pages++) {
            BuildQuery current = query;
            BuildPage page = datastore.read(r -> r.builds(current));
            page.builds().forEach(build -> seen.add(build.sequence()));
            if (page.nextCursor() == null) {
                return seen;
            }
            query = query.withCursor(page.nextCursor());
        }
        throw new AssertionError("more than 100 pages: " + seen);
    }

    private List<Long> sequences(BuildQuery query) {
        return datastore.read(r -> r.builds(query)).builds().stream().map(Build::sequence).toList();
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(size, list.size(), "listener notifications: " + list);
    }
}
