package dev.kiln.ci.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.api.Build;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.Event;
import dev.kiln.api.EventService;
import dev.kiln.api.EventType;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.Tag;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.EvaluationSummary;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.store.StoreDir;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.Services;

/**
 * Jobsets on the real coordinator and Derby, evaluating git repositories made by the test with the real
 * {@code nix-instantiate}.
 */
class JobsetTest {

    @TempDir
    static Path temp;

    private static final BundleContext CONTEXT = Services.context(JobsetTest.class);
    private static RealNix nix;
    private static CiFixtures fixtures;
    private static List<Configuration> configurations;
    private static JobsetService jobsets;
    private static BuildService builds;
    private static EventService events;

    @BeforeAll
    static void startCoordinator() throws IOException {
        nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        fixtures = new CiFixtures(nix, temp.resolve("repositories"));
        String state = Files.createDirectories(temp.resolve("state")).toString();
        configurations = List.of(
                Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", state)),
                Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir", state)),
                Services.configure(CONTEXT, "dev.kiln.ci", Map.of("state.dir", state, "evaluation.timeout.seconds", 10L,
                        "evaluation.memory.mib", 1024L)));
        jobsets = Services.await(CONTEXT, JobsetService.class);
        builds = Services.await(CONTEXT, BuildService.class);
        events = Services.await(CONTEXT, EventService.class);
    }

    @AfterAll
    static void stopCoordinator() throws IOException {
        for (Configuration configuration : configurations.reversed()) {
            configuration.delete();
        }
    }

    @Test
    void streamsTheDerivationsOfACommitAndBuildsOnlyWhatTheNextCommitChanged() throws Exception {
        Path repository = gitRepository("hello", "alpha", "beta");
        jobsets.add(jobset("hello", repository, nixInstantiate(), 5));
        long eventsBefore = events.latestId();
        jobsets.evaluate("hello");
        Evaluation first = awaitEvaluations("hello", 1).get(0);
        assertEquals(EvaluationStatus.SUCCEEDED, first.status(), first.error());
        List<Event> evaluationEvents = events.after(eventsBefore, 1_000).stream()
                .filter(event -> "hello".equals(event.data().get("jobset"))).toList();
        assertEquals(List.of(EventType.EVALUATION_STARTED, EventType.EVALUATION_FINISHED),
                evaluationEvents.stream().map(Event::type).toList());
        assertEquals(Map.of("jobset", "hello", "evaluation", Long.toString(first.id()), "derivations", "2",
                "builds", "2", "commits", "src=" + first.commits().get("src")), evaluationEvents.get(1).data());
        assertEquals(first, jobsets.latestEvaluations().get("hello"), "the jobset list carries the last evaluation");
        assertEquals(2, first.derivationsFound());
        assertEquals(2, first.buildsSubmitted());
        List<Build> firstBuilds = buildsOf(first);
        assertEquals(Set.of("a", "b"), names(firstBuilds));
        for (Build build : firstBuilds) {
            assertEquals(5, build.priority());
            assertTrue(build.tags().contains(new Tag("team", "ci")), build.tags().toString());
            assertTrue(build.tags().contains(new Tag("jobset", "hello")), build.tags().toString());
        }

        commit(repository, "alpha", "gamma");
        jobsets.evaluate("hello");
        Evaluation second = awaitEvaluations("hello", 2).get(0);
        assertEquals(EvaluationStatus.SUCCEEDED, second.status(), second.error());
        assertEquals(2, second.derivationsFound());
        assertEquals(1, second.buildsSubmitted(), "only the changed derivation gets a new build");
        assertEquals(Set.of("b"), names(buildsOf(second)));
        assertTrue(!second.commits().get("src").equals(first.commits().get("src")), "the new commit was evaluated");

        EvaluationSummary summary = jobsets.summary(second.id());
        assertEquals(2, summary.pending(), "a's build from the first evaluation and b's new one: " + summary);
        assertEquals(2, jobsets.cancelPending(second.id()));
        assertEquals(2, jobsets.summary(second.id()).canceled());
        assertTrue(Files.readString(jobsets.evaluationLog(second.id())).contains(".drv"), "the log has what the command printed");
    }

    @Test
    void aNewEvaluationCancelsWhatTheOneItSupersedesHasPendingAndItNoLongerNeeds() throws Exception {
        Path repository = gitRepository("superseding", "kept", "old");
        Jobset base = jobset("superseding", repository, nixInstantiate(), 0);
        jobsets.add(new Jobset(base.name(), base.channels(), base.evaluationCommand(), base.storeDir(),
                base.storeRoot(), base.period(), base.priority(), base.tags(), true, base.maxBuildsPerEvaluation(), true));
        jobsets.evaluate("superseding");
        Evaluation first = awaitEvaluations("superseding", 1).get(0);
        commit(repository, "kept", "new");
        jobsets.evaluate("superseding");
        Evaluation second = awaitEvaluations("superseding", 2).get(0);
        assertEquals(EvaluationStatus.SUCCEEDED, second.status(), second.error());

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, BuildState> states = statesByName(first);
        while (states.get("b") != BuildState.CANCELED && System.nanoTime() < deadline) {
            Thread.sleep(50);
            states = statesByName(first);
        }
        assertEquals(BuildState.CANCELED, states.get("b"), "the old b is no longer needed: " + states);
        assertEquals(BuildState.SCHEDULED, states.get("a"), "a is the same derivation, still needed: " + states);
        assertEquals(Set.of("b"), names(buildsOf(second)), "the new b is built");
        assertEquals(BuildState.SCHEDULED, buildsOf(second).get(0).state());
    }

    private static Map<String, BuildState> statesByName(Evaluation evaluation) {
        return buildsOf(evaluation).stream().collect(Collectors.toMap(
                build -> names(List.of(build)).iterator().next(), Build::state));
    }

    @Test
    void refusesATamperedDerivationAndSaysWhich() throws Exception {
        Path repository = gitRepository("tampered", "one", "two");
        Path storeFiles = nix.chrootStoreFiles(StoreDir.NIX);
        // The command prints a real derivation path after swapping the file's builder, as an attacker would.
        String command = nixInstantiate() + " | while read drv; do f=" + storeFiles + "/$(basename $drv);"
                + " sed 's#/bin/sh#/bin/xx#' $f > $f.new && mv $f.new $f; echo $drv; done";
        jobsets.add(jobset("tampered", repository, command, 0));
        jobsets.evaluate("tampered");
        Evaluation evaluation = awaitEvaluations("tampered", 1).get(0);
        assertEquals(EvaluationStatus.FAILED, evaluation.status());
        assertTrue(evaluation.error().contains("refused"), evaluation.error());
        assertEquals(0, evaluation.buildsSubmitted());
        assertTrue(Files.readString(jobsets.evaluationLog(evaluation.id())).contains("kiln: refused"));
    }

    @Test
    void stopsAnEvaluationThatRunsPastItsJobsetsTimeLimitAndKeepsItsLog() throws Exception {
        Path repository = gitRepository("slow", "x", "y");
        jobsets.add(jobset("slow", repository, "echo started; sleep 600", 0).withEvaluationTimeout(Duration.ofSeconds(1)));
        jobsets.evaluate("slow");
        Evaluation evaluation = awaitEvaluations("slow", 1).get(0);
        assertEquals(EvaluationStatus.FAILED, evaluation.status());
        assertEquals("the evaluation ran past its time limit of 1 s and was stopped", evaluation.error(),
                "the jobset's limit, not the coordinator's 10 s");
        assertTrue(Files.readString(jobsets.evaluationLog(evaluation.id())).contains("started"));
    }

    @Test
    void failsAnEvaluationThatRunsOutOfItsMemoryAndKeepsItsLog() throws Exception {
        Path repository = gitRepository("hungry", "x", "y");
        String hungry = nixInstantiate().replace("release.nix",
                "--eval -E 'builtins.length (builtins.genList (x: toString x) 100000000)'");
        jobsets.add(jobset("hungry", repository, hungry, 0));
        jobsets.evaluate("hungry");
        Evaluation evaluation = awaitEvaluations("hungry", 1).get(0);
        assertEquals(EvaluationStatus.FAILED, evaluation.status());
        assertTrue(evaluation.error().contains("ran out of its memory limit of 1024 MiB"), evaluation.error());
        assertTrue(Files.readString(jobsets.evaluationLog(evaluation.id())).contains("out of memory"),
                "the log says what the evaluator said");
    }

    @Test
    void reportsAChannelThatCannotBeFetched() throws Exception {
        jobsets.add(jobset("nowhere", temp.resolve("no-such-repository"), "true", 0));
        long eventsBefore = events.latestId();
        jobsets.evaluate("nowhere");
        Evaluation evaluation = awaitEvaluations("nowhere", 1).get(0);
        assertEquals(EvaluationStatus.FAILED, evaluation.status());
        assertTrue(evaluation.error().startsWith("updating the channels failed"), evaluation.error());
        Event failed = events.after(eventsBefore, 1_000).stream()
                .filter(event -> "nowhere".equals(event.data().get("jobset"))).reduce((a, b) -> b).orElseThrow();
        assertEquals(EventType.EVALUATION_FAILED, failed.type());
        assertEquals(evaluation.error(), failed.data().get("error"));
    }

    @Test
    void refusesInvalidDefinitionsAndUnknownNames() {
        assertThrows(InvalidRequestException.class,
                () -> new Jobset("bad name", List.of(), "true", "/nix/store", null, Duration.ZERO, 0, Set.of(), true, 1, false));
        assertThrows(NotFoundException.class, () -> jobsets.evaluate("no-such-jobset"));
        assertThrows(NotFoundException.class, () -> jobsets.evaluation(987_654));
    }

    @Test
    void keepsJobsetsAcrossARestart() throws Exception {
        jobsets.add(jobset("durable", temp, "true", 0).withEnabled(false));
        Configuration ci = configurations.get(2);
        Map<String, Object> properties = Map.of("state.dir", temp.resolve("state").toString(), "evaluation.timeout.seconds", 10L,
                "evaluation.memory.mib", 1024L);
        ci.delete();
        Services.awaitGone(CONTEXT, JobsetService.class);
        configurations = List.of(configurations.get(0), configurations.get(1),
                Services.configure(CONTEXT, "dev.kiln.ci", properties));
        jobsets = Services.await(CONTEXT, JobsetService.class);
        Jobset restored = jobsets.get("durable");
        assertEquals(false, restored.enabled());
        assertEquals("true", restored.evaluationCommand());
    }

    private static Jobset jobset(String name, Path repository, String command, int priority) {
        return fixtures.jobset(name, repository, command, priority);
    }

    private static String nixInstantiate() {
        return fixtures.nixInstantiate();
    }

    private static Path gitRepository(String name, String a, String b) throws IOException, InterruptedException {
        return fixtures.gitRepository(name, a, b);
    }

    private static void commit(Path repository, String a, String b) throws IOException, InterruptedException {
        fixtures.commit(repository, a, b);
    }

    private static List<Evaluation> awaitEvaluations(String jobset, int count) throws InterruptedException {
        return CiFixtures.awaitEvaluations(jobsets, jobset, count);
    }

    private static List<Build> buildsOf(Evaluation evaluation) {
        return builds.list(BuildQuery.all(100).withTag(new Tag("evaluation", Long.toString(evaluation.id())))).builds();
    }

    private static Set<String> names(List<Build> list) {
        return list.stream()
                .map(build -> build.derivationPath().substring(build.derivationPath().indexOf('-') + 1).replace(".drv", ""))
                .collect(Collectors.toSet());
    }
}
