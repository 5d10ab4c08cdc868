package dev.kiln.ci.tests;

import static dev.kiln.ci.tests.CiFixtures.awaitEvaluations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.Event;
import dev.kiln.api.EventService;
import dev.kiln.api.EventType;
import dev.kiln.api.Tag;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.JobsetService;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.Services;

/**
 * A failure on a real graph made by {@code nix-instantiate} (app needs lib, which needs base): its dependents wait as
 * dependency-failed, a later evaluation does not build it again, and an evaluation that rebuilds failures brings it and
 * its dependents back in dependency order (as {@code kiln build retry} of the failure does).
 */
class FailureRetryTest {

    private static final String GRAPH = """
            let
              mk = name: deps: derivation {
                inherit name;
                system = builtins.currentSystem;
                builder = "/bin/sh";
                args = [ "-c" "echo ${name} ${toString deps} > $out" ];
              };
              base = mk "base" [ ];
              lib = mk "lib" [ base ];
              app = mk "app" [ lib ];
            in { inherit base lib app; }
            """;

    @TempDir
    static Path temp;

    private static final BundleContext CONTEXT = Services.context(FailureRetryTest.class);
    private static final List<Configuration> CONFIGURATIONS = new ArrayList<>();
    private static CiFixtures fixtures;

    @BeforeAll
    static void startCoordinator() throws IOException {
        fixtures = new CiFixtures(RealNix.require(Files.createDirectories(temp.resolve("nix"))), temp.resolve("git"));
        String state = Files.createDirectories(temp.resolve("state")).toString();
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.ci", Map.of("state.dir", state)));
    }

    @AfterAll
    static void stopCoordinator() throws IOException {
        for (Configuration configuration : CONFIGURATIONS.reversed()) {
            configuration.delete();
        }
        Services.awaitGone(CONTEXT, JobsetService.class);
    }

    @Test
    void aRetriedFailureBringsItsDependentsBackInDependencyOrder() throws Exception {
        JobsetService jobsets = Services.await(CONTEXT, JobsetService.class);
        BuildService builds = Services.await(CONTEXT, BuildService.class);
        EventService events = Services.await(CONTEXT, EventService.class);
        Path repository = fixtures.gitRepository("graph", "unused", "unused");
        Files.writeString(repository.resolve("release.nix"), GRAPH);
        fixtures.git(repository, "-c", "user.name=Kiln Tests", "-c", "user.email=tests@kiln.invalid", "commit", "-q",
                "-a", "-m", "a graph");
        jobsets.add(fixtures.jobset("graph", repository, fixtures.nixInstantiate(), 0));
        jobsets.evaluate("graph");
        Evaluation first = awaitEvaluations(jobsets, "graph", 1).get(0);
        assertEquals(EvaluationStatus.SUCCEEDED, first.status(), first.error());
        Map<String, Build> byName = byName(builds, first);
        assertEquals(Set.of("base", "lib", "app"), byName.keySet());

        FakeAgent agent = new FakeAgent(Services.await(CONTEXT, AgentService.class),
                Services.await(CONTEXT, AgentBuildService.class), "failing", Set.of(byName.get("base").system()));
        agent.fail(List.of(byName.get("base").id()));
        byName = byName(builds, first);
        assertEquals(BuildState.FAILED, byName.get("base").state());
        assertEquals(BuildState.DEPENDENCY_FAILED, byName.get("lib").state());
        assertEquals(BuildState.DEPENDENCY_FAILED, byName.get("app").state());

        jobsets.evaluate("graph");
        Evaluation second = awaitEvaluations(jobsets, "graph", 2).get(0);
        assertEquals(0, second.buildsSubmitted(), "a failure is remembered: the same derivations are not built again");

        long before = events.latestId();
        jobsets.evaluate("graph", true);
        Evaluation third = awaitEvaluations(jobsets, "graph", 3).get(0);
        assertEquals(0, third.buildsSubmitted(), "the failed build itself is built again, no new one");
        assertTrue(Files.readString(jobsets.evaluationLog(third.id())).contains("kiln: rebuilding the failed build of "
                + byName.get("base").derivationPath()));
        byName = byName(builds, first);
        assertEquals(BuildState.SCHEDULED, byName.get("base").state());
        assertEquals(BuildState.SCHEDULED, byName.get("lib").state());
        assertEquals(BuildState.SCHEDULED, byName.get("app").state());
        Map<UUID, String> names = byName.values().stream()
                .collect(Collectors.toMap(Build::id, build -> name(build)));
        List<String> order = events.after(before, 100).stream()
                .filter(event -> event.type() == EventType.BUILD_RETRIED || event.type() == EventType.BUILD_RESCHEDULED)
                .map(Event::buildId).map(names::get).toList();
        assertEquals(List.of("base", "lib", "app"), order, "retried, then its dependents in dependency order");
        List<String> handedOut = List.of();
        long deadline = System.nanoTime() + CiFixtures.EVALUATION_TIMEOUT.toNanos();
        while (handedOut.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            handedOut = agent.fetch().stream().map(FailureRetryTest::name).toList();
        }
        assertTrue(handedOut.contains("base") && !handedOut.contains("lib") && !handedOut.contains("app"),
                "only base can be built before the others: " + handedOut);
    }

    private static Map<String, Build> byName(BuildService builds, Evaluation evaluation) {
        return builds.list(BuildQuery.all(100).withTag(new Tag("evaluation", Long.toString(evaluation.id())))).builds()
                .stream().collect(Collectors.toMap(FailureRetryTest::name, Function.identity()));
    }

    private static String name(Build build) {
        String path = build.derivationPath();
        return path.substring(path.indexOf('-') + 1).replace(".drv", "");
    }
}
