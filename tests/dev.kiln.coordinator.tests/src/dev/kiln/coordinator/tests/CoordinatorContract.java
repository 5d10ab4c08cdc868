package dev.kiln.coordinator.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.api.AgentActivity;
import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentCredentials;
import dev.kiln.api.AgentDeactivatedException;
import dev.kiln.api.AgentLoad;
import dev.kiln.api.AgentPlan;
import dev.kiln.api.AgentService;
import dev.kiln.api.AllocationPlanService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.ConflictException;
import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventService;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.EventType;
import dev.kiln.api.FailureKind;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.IllegalTransitionException;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NewAgent;
import dev.kiln.api.NotAllocatedToAgentException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.PlannedBuild;
import dev.kiln.api.RunningBuild;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.SetupFailureKind;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitOutcome;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.testing.Services;
import dev.kiln.testing.StateDirectories;

/**
 * The build lifecycle, run on the real components in Equinox, configured through Configuration Admin as the
 * {@code kiln coordinator} command configures them. Written once; each subclass picks the database and the
 * allocation strategy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CoordinatorContract {

    static final int MAX_ALLOCATED = 3;
    private static final String NAR_HASH = "sha256:" + "0123456789abcdfghijklmnpqrsvwxyz".repeat(2).substring(0, 52);

    private final BundleContext context = Services.context(CoordinatorContract.class);
    private Path stateDir;
    private Map<String, Object> database;
    private Configuration datastoreConfiguration;
    private Configuration coordinatorConfiguration;

    BuildService builds;
    AgentBuildService agentBuilds;
    AgentService agents;
    DerivationService derivations;
    AllocationPlanService plans;
    EventService events;
    Graphs graph;

    /** The {@code dev.kiln.datastore} properties besides {@code state.dir}. */
    abstract Map<String, Object> databaseProperties();

    /** {@code basic} or {@code derivation-ordered}. */
    abstract String strategy();

    @BeforeAll
    void startCoordinator() throws Exception {
        database = databaseProperties();
        stateDir = StateDirectories.create("kiln-coordinator-test-");
        configure();
    }

    @AfterAll
    void stopCoordinator() throws Exception {
        stopComponents();
        StateDirectories.delete(stateDir);
    }

    @BeforeEach
    void newGraph() {
        graph = new Graphs();
    }

    @Test
    void buildsAGraphInDependencyOrder() {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b", a);
        DerivationSummary c = graph.derivation("c", b);
        List<SubmitResult> results = submit(List.of(a, b, c), c, b, a);
        assertTrue(results.stream().allMatch(r -> r.outcome() == SubmitOutcome.CREATED
                && r.state() == BuildState.SCHEDULED), results.toString());
        UUID agent = newAgent(Set.of()).agent().id();

        for (DerivationSummary expected : List.of(a, b, c)) {
            List<Build> fetched = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 10));
            assertEquals(List.of(expected.path()), fetched.stream().map(Build::derivationPath).toList(),
                    "only the build whose inputs are built is given");
            buildSuccessfully(agent, fetched.get(0));
        }

        assertEquals(List.of(), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 10)));
        for (SubmitResult result : results) {
            Build build = builds.get(result.buildId());
            assertEquals(BuildState.SUCCEEDED, build.state());
            assertEquals(agent, build.agentId());
            assertNotNull(build.finishedAt());
        }
        assertEquals(Set.of(graph.storePath("a"), graph.storePath("c")),
                derivations.heldOutputs(List.of(graph.storePath("a"), graph.storePath("c"), graph.storePath("z"))));
        UUID cBuild = results.get(0).buildId();
        assertEquals(List.of(EventType.BUILD_SUBMITTED, EventType.BUILD_ALLOCATED, EventType.BUILD_STARTED,
                EventType.BUILD_SUCCESS), eventTypesOf(cBuild));
        assertEquals(1, builds.outputs(cBuild).size());
        assertEquals(c, derivations.get(c.path()));
    }

    @Test
    void aLargeSubmissionListedDependentsFirstCreatesEveryBuildWaitingOnItsInputs() {
        List<DerivationSummary> chain = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            chain.add(i == 0 ? graph.derivation("link-0") : graph.derivation("link-" + i, chain.get(i - 1)));
        }
        DerivationSummary[] dependentsFirst = chain.reversed().toArray(DerivationSummary[]::new);

        List<SubmitResult> results = submit(chain, dependentsFirst);

        assertEquals(600, results.size());
        for (int i = 0; i < results.size(); i++) {
            assertEquals(dependentsFirst[i].path(), results.get(i).derivationPath(), "results in the request's order");
            assertEquals(SubmitOutcome.CREATED, results.get(i).outcome());
            assertEquals(BuildState.SCHEDULED, results.get(i).state());
        }
        UUID agent = newAgent(Set.of()).agent().id();
        List<Build> fetched = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 10));
        assertEquals(List.of(chain.get(0).path()), fetched.stream().map(Build::derivationPath).toList(),
                "only the first link has its inputs");
        buildSuccessfully(agent, fetched.get(0));
        assertEquals(List.of(chain.get(1).path()), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 10)).stream()
                .map(Build::derivationPath).toList());
    }

    @Test
    void storesEveryDerivationOfASubmissionThatItsBuildsNeedOrNot() {
        List<DerivationSummary> brought = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            brought.add(i == 0 ? graph.derivation("step-0") : graph.derivation("step-" + i, brought.get(i - 1)));
        }
        DerivationSummary last = brought.get(brought.size() - 1);
        brought.add(graph.derivation("spare"));

        // One build, whose closure is more derivations than one transaction stores.
        List<SubmitResult> results = submit(brought, last);

        assertEquals(SubmitOutcome.CREATED, results.get(0).outcome());
        for (DerivationSummary derivation : brought) {
            assertEquals(derivation, derivations.get(derivation.path()));
        }
    }

    @Test
    void answersAtOnceWhenTheOutputsAreHeld() {
        DerivationSummary a = graph.derivation("a");
        submit(List.of(a), a);
        UUID agent = newAgent(Set.of()).agent().id();
        buildSuccessfully(agent, agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1)).get(0));

        SubmitResult again = builds.submit(List.of(), a.path(), SubmitOptions.DEFAULT);

        assertEquals(new SubmitResult(a.path(), SubmitOutcome.OUTPUTS_HELD, null, BuildState.SUCCEEDED), again);
        assertEquals(1, builds.list(BuildQuery.all(10).withDerivationPath(a.path())).builds().size());
    }

    @Test
    void ignoresASubmissionWhenABuildOfTheDerivationOrOfItsOutputsExists() {
        DerivationSummary a = graph.derivation("a");
        UUID first = submit(List.of(a), a).get(0).buildId();
        DerivationSummary sameOutputs = new DerivationSummary(graph.storePath("a-variant.drv"), a.system(),
                a.outputs(), Map.of(), Set.of(), a.aterm() + " ");

        SubmitResult sameDerivation = builds.submit(List.of(), a.path(),
                SubmitOptions.DEFAULT.withIgnoreIfDerivationHasBuild(true));
        SubmitResult sameOutput = builds.submit(List.of(sameOutputs), sameOutputs.path(),
                SubmitOptions.DEFAULT.withIgnoreIfOutputsHaveBuild(true));
        SubmitResult forced = builds.submit(List.of(), a.path(), SubmitOptions.DEFAULT);

        assertEquals(new SubmitResult(a.path(), SubmitOutcome.EXISTING_BUILD_FOR_DERIVATION, first,
                BuildState.SCHEDULED), sameDerivation);
        assertEquals(new SubmitResult(sameOutputs.path(), SubmitOutcome.EXISTING_BUILD_FOR_OUTPUTS, first,
                BuildState.SCHEDULED), sameOutput);
        assertEquals(SubmitOutcome.CREATED, forced.outcome());
    }

    @Test
    void refusesASubmissionWhoseClosureIsUnknown() {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b", a);

        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> submit(List.of(b), b));

        assertTrue(refused.getMessage().contains(a.path()), refused.getMessage());
        assertThrows(NotFoundException.class, () -> derivations.get(b.path()), "nothing was stored");
    }

    @Test
    void aFailedInputFailsTheBuildsWaitingOnItUntilItIsRetried() {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b", a);
        DerivationSummary c = graph.derivation("c", b);
        List<SubmitResult> submitted = submit(List.of(a, b, c), a, b, c);
        UUID aBuild = submitted.get(0).buildId();
        UUID bBuild = submitted.get(1).buildId();
        UUID cBuild = submitted.get(2).buildId();
        UUID agent = newAgent(Set.of()).agent().id();
        Build fetched = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 5)).get(0);
        agentBuilds.reportStarted(agent, fetched.id());

        agentBuilds.reportFailure(agent, fetched.id(), FailureKind.FAILED, 2);

        assertEquals(BuildState.FAILED, builds.get(aBuild).state());
        assertEquals("2", lastEventOf(aBuild).data().get("exit-status"));
        List<BuildAttempt> attempts = builds.attempts(aBuild);
        assertEquals(1, attempts.size());
        assertEquals(new BuildAttempt(aBuild, 1, agent, builds.get(aBuild).startedAt(), 2), attempts.get(0));
        assertEquals(BuildState.DEPENDENCY_FAILED, builds.get(bBuild).state());
        assertEquals(BuildState.DEPENDENCY_FAILED, builds.get(cBuild).state(), "through the whole chain");
        assertEquals(List.of(EventType.BUILD_SUBMITTED, EventType.BUILD_DEPENDENCY_FAILED), eventTypesOf(cBuild));
        assertEquals(aBuild.toString(), lastEventOf(cBuild).data().get("failed-build"));
        assertEquals(aBuild, builds.failedDependency(cBuild).orElseThrow().id(), "followed down to the failed build");
        assertEquals(aBuild, builds.failedDependency(bBuild).orElseThrow().id());
        assertTrue(builds.failedDependency(aBuild).isEmpty(), "a failed build waits on nothing");
        assertEquals(List.of(), builds.attempts(cBuild));
        assertEquals(List.of(), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 5)));
        SubmitResult late = builds.submit(List.of(), c.path(), SubmitOptions.DEFAULT);
        assertEquals(BuildState.DEPENDENCY_FAILED, late.state(), "a new build on a failed input starts failed");
        assertEquals(aBuild, builds.failedDependency(late.buildId()).orElseThrow().id());
        IllegalTransitionException refused = assertThrows(IllegalTransitionException.class,
                () -> builds.retry(bBuild));
        assertTrue(refused.getMessage().contains(a.path()), refused.getMessage());

        builds.retry(aBuild);

        for (UUID id : List.of(aBuild, bBuild, cBuild, late.buildId())) {
            assertEquals(BuildState.SCHEDULED, builds.get(id).state(), id.toString());
        }
        assertEquals(EventType.BUILD_RESCHEDULED, eventTypesOf(cBuild).get(2));
        assertTrue(builds.failedDependency(cBuild).isEmpty(), "scheduled again, it waits on no failure");
        assertEquals(List.of(a.path()), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 5)).stream()
                .map(Build::derivationPath).toList());
        agentBuilds.reportStarted(agent, aBuild);
        agentBuilds.reportFailure(agent, aBuild, FailureKind.TIMED_OUT, null);
        List<BuildAttempt> retried = builds.attempts(aBuild);
        assertEquals(2, retried.size(), "the retry's start is the second attempt");
        assertEquals(attempts.get(0), retried.get(0), "the first attempt keeps its exit status");
        assertEquals(new BuildAttempt(aBuild, 2, agent, builds.get(aBuild).startedAt(), null), retried.get(1));
    }

    @Test
    void refusesIllegalTransitionsWithAClearError() {
        DerivationSummary a = graph.derivation("a");
        UUID build = submit(List.of(a), a).get(0).buildId();
        UUID agent = newAgent(Set.of()).agent().id();

        assertThrows(IllegalTransitionException.class, () -> builds.retry(build), "a scheduled build");
        Build allocated = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1)).get(0);
        IllegalTransitionException early = assertThrows(IllegalTransitionException.class,
                () -> agentBuilds.reportSuccess(agent, build, outputs(a)));
        assertEquals(BuildState.ALLOCATED, early.state());
        assertTrue(early.getMessage().contains("allocated"), early.getMessage());
        buildSuccessfully(agent, allocated);
        assertThrows(IllegalTransitionException.class, () -> builds.cancel(build));
        assertThrows(IllegalTransitionException.class, () -> builds.changePriority(build, 5));
        assertThrows(IllegalTransitionException.class, () -> agentBuilds.reportFailure(agent, build));
        assertThrows(NotFoundException.class, () -> builds.cancel(UUID.randomUUID()));
    }

    @Test
    void refusesReportsFromAnAgentTheBuildIsNotAllocatedTo() {
        DerivationSummary a = graph.derivation("a");
        submit(List.of(a), a);
        UUID holder = newAgent(Set.of()).agent().id();
        UUID other = newAgent(Set.of()).agent().id();
        Build build = agentBuilds.fetch(holder, new FetchRequest(Set.of(), 1)).get(0);

        NotAllocatedToAgentException refused = assertThrows(NotAllocatedToAgentException.class,
                () -> agentBuilds.reportStarted(other, build.id()));

        assertEquals(other, refused.agentId());
        assertEquals(BuildState.ALLOCATED, builds.get(build.id()).state());
    }

    @Test
    void refusesOutputsThatAreNotTheDerivations() {
        DerivationSummary a = graph.derivation("a");
        submit(List.of(a), a);
        UUID agent = newAgent(Set.of()).agent().id();
        Build build = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1)).get(0);
        agentBuilds.reportStarted(agent, build.id());

        assertThrows(InvalidRequestException.class, () -> agentBuilds.reportSuccess(agent, build.id(),
                List.of(new OutputMetadata("out", graph.storePath("elsewhere"), NAR_HASH, 10, List.of()))));
        assertThrows(InvalidRequestException.class, () -> agentBuilds.reportSuccess(agent, build.id(), List.of()));
        assertEquals(BuildState.STARTED, builds.get(build.id()).state());
    }

    @Test
    void aSetupFailurePutsTheBuildBackAndHoldsItForAWhile() {
        DerivationSummary a = graph.derivation("a");
        UUID build = submit(List.of(a), a).get(0).buildId();
        UUID agent = newAgent(Set.of()).agent().id();
        agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1));
        List<String> missing = List.of(graph.storePath("glibc"), graph.storePath("gcc"));

        Build back = agentBuilds.reportSetupFailure(agent, build, SetupFailureKind.MISSING_INPUTS, missing);

        assertEquals(BuildState.SCHEDULED, back.state());
        assertNull(back.agentId());
        assertEquals(1, back.setupFailureCount());
        assertTrue(back.deferUntil().isAfter(Instant.now()), "held back");
        List<SetupFailure> failures = builds.setupFailures(build);
        assertEquals(1, failures.size());
        assertEquals(missing.stream().sorted().toList(), failures.get(0).missingInputs());
        Event event = lastEventOf(build);
        assertEquals(EventType.BUILD_MISSING_INPUTS, event.type());
        assertTrue(event.data().get("missing-inputs").contains(graph.storePath("glibc")), event.data().toString());
        assertEquals(List.of(), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1)), "not before the hold ends");
        assertThrows(NotAllocatedToAgentException.class, () -> agentBuilds.reportStarted(agent, build));
    }

    @Test
    void holdsADeferredBuildUntilItsTime() throws Exception {
        DerivationSummary a = graph.derivation("a");
        Instant until = Instant.now().plusSeconds(2);
        UUID build = builds.submit(List.of(a), a.path(), SubmitOptions.DEFAULT.withDeferUntil(until)).buildId();
        UUID agent = newAgent(Set.of()).agent().id();

        assertEquals(List.of(), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1)), "deferred");
        List<Build> fetched = List.of();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (fetched.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            fetched = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1));
        }

        assertEquals(List.of(build), fetched.stream().map(Build::id).toList());
        assertFalse(Instant.now().isBefore(until), "not before its time");
    }

    @Test
    void aCanceledBuildLeavesThePlan() {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b");
        UUID aBuild = submit(List.of(a, b), a, b).get(0).buildId();
        UUID agent = newAgent(Set.of()).agent().id();

        Build canceled = builds.cancel(aBuild);

        assertEquals(BuildState.CANCELED, canceled.state());
        assertEquals(List.of(b.path()), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 5)).stream()
                .map(Build::derivationPath).toList());
        assertEquals(EventType.BUILD_CANCELED, lastEventOf(aBuild).type());
        builds.retry(aBuild);
        assertEquals(List.of(b.path(), a.path()), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 5)).stream()
                .map(Build::derivationPath).toList(), "b, allocated already, then a, retried");
    }

    @Test
    void aPriorityChangeReordersThePlan() {
        DerivationSummary older = graph.derivation("older");
        DerivationSummary younger = graph.derivation("younger");
        List<SubmitResult> submitted = submit(List.of(older, younger), older, younger);
        UUID agent = newAgent(Set.of()).agent().id();
        assertEquals(List.of(older.path(), younger.path()), planOf(agent));

        builds.changePriority(submitted.get(1).buildId(), 10);

        assertEquals(List.of(younger.path(), older.path()), planOf(agent));
        assertEquals(EventType.BUILD_PRIORITY_CHANGED, lastEventOf(submitted.get(1).buildId()).type());
        assertEquals(younger.path(), agentBuilds.fetch(agent, new FetchRequest(Set.of(), 1)).get(0).derivationPath());
    }

    @Test
    void ordersInputsOfUrgentBuildsAsTheStrategySays() {
        DerivationSummary unrelated = graph.derivation("unrelated");
        DerivationSummary input = graph.derivation("input");
        DerivationSummary urgent = graph.derivation("urgent", input);
        builds.submit(new SubmitRequest(List.of(unrelated, input, urgent), List.of(
                new BuildSubmission(unrelated.path(), SubmitOptions.DEFAULT.withPriority(5)),
                new BuildSubmission(input.path(), SubmitOptions.DEFAULT),
                new BuildSubmission(urgent.path(), SubmitOptions.DEFAULT.withPriority(50)))));
        UUID agent = newAgent(Set.of()).agent().id();

        AgentPlan plan = plans.plan(agent, 10);

        List<String> order = plan.builds().stream().map(PlannedBuild::derivationPath).toList();
        if (strategy().equals("derivation-ordered")) {
            assertEquals(List.of(input.path(), unrelated.path()), order, "the input inherits 50");
            assertEquals(50, plan.builds().get(0).effectivePriority());
        } else {
            assertEquals(List.of(unrelated.path(), input.path()), order, "basic goes by own priority");
            assertEquals(0, plan.builds().get(1).effectivePriority());
        }
        assertEquals(strategy(), plans.statistics().strategy());
    }

    @Test
    void givesBuildsOnlyToAgentsWithTheRequiredTagsAndWithinTheCap() {
        List<DerivationSummary> plain = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            plain.add(graph.derivation("plain" + i));
        }
        DerivationSummary needsKvm = graph.derivation("kvm");
        List<BuildSubmission> submissions = new ArrayList<>(plain.stream()
                .map(d -> new BuildSubmission(d.path(), SubmitOptions.DEFAULT)).toList());
        submissions.add(new BuildSubmission(needsKvm.path(),
                SubmitOptions.DEFAULT.withPriority(9).withRequiredAgentTags(Set.of(Tag.parse("kvm=yes")))));
        List<DerivationSummary> all = new ArrayList<>(plain);
        all.add(needsKvm);
        builds.submit(new SubmitRequest(all, submissions));
        UUID withoutKvm = newAgent(Set.of()).agent().id();
        UUID withKvm = newAgent(Set.of(Tag.parse("kvm=yes"))).agent().id();

        List<Build> first = agentBuilds.fetch(withoutKvm, new FetchRequest(Set.of(), 10));
        assertEquals(MAX_ALLOCATED, first.size(), "the cap of allocated builds per agent");
        assertFalse(first.stream().anyMatch(b -> b.derivationPath().equals(needsKvm.path())));
        assertEquals(first.stream().map(Build::id).toList(), agentBuilds.fetch(withoutKvm,
                new FetchRequest(Set.of(), 10)).stream().map(Build::id).toList(), "allocated builds come again");
        agentBuilds.reportStarted(withoutKvm, first.get(0).id());
        assertEquals(MAX_ALLOCATED, agentBuilds.fetch(withoutKvm, new FetchRequest(Set.of(), 10)).size(),
                "a started build frees a place");

        assertEquals(needsKvm.path(), agentBuilds.fetch(withKvm, new FetchRequest(Set.of(), 1)).get(0)
                .derivationPath());
    }

    @Test
    void agentsAuthenticateWithTheirGeneratedPassword() {
        AgentCredentials created = newAgent(Set.of());
        UUID id = created.agent().id();
        assertTrue(agents.authenticate(id, created.password()));
        assertTrue(agents.authenticate(id, created.password()), "again, from the cache of verified passwords");
        assertFalse(agents.authenticate(id, created.password() + "x"));
        assertFalse(agents.authenticate(UUID.randomUUID(), created.password()));

        AgentCredentials renewed = agents.newPassword(id);

        assertFalse(agents.authenticate(id, created.password()), "the old password stops working");
        assertTrue(agents.authenticate(id, renewed.password()));
        assertFalse(renewed.toString().contains(renewed.password()));
        assertTrue(agents.list().stream().anyMatch(agent -> agent.id().equals(id)));
    }

    @Test
    void aDeactivatedAgentGetsNoBuildAndLosesItsAllocatedBuilds() {
        DerivationSummary a = graph.derivation("a");
        UUID build = submit(List.of(a), a).get(0).buildId();
        AgentCredentials agent = newAgent(Set.of());
        UUID id = agent.agent().id();
        agentBuilds.fetch(id, new FetchRequest(Set.of(), 1));

        agents.deactivate(id, false);

        assertTrue(agents.authenticate(id, agent.password()), "it may still report on what it drains");
        assertEquals(BuildState.SCHEDULED, builds.get(build).state());
        assertThrows(AgentDeactivatedException.class, () -> agentBuilds.fetch(id, new FetchRequest(Set.of(), 1)));
        agents.activate(id);
        assertEquals(build, agentBuilds.fetch(id, new FetchRequest(Set.of(), 1)).get(0).id());
    }

    @Test
    void aDrainedAgentFinishesItsStartedBuildsAndOneDeactivatedAtOnceLosesThem() {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b");
        submit(List.of(a, b), a);
        UUID draining = newAgent(Set.of()).agent().id();
        Build first = agentBuilds.fetch(draining, new FetchRequest(Set.of(), 1)).get(0);
        agentBuilds.reportStarted(draining, first.id());

        agents.deactivate(draining, false);
        assertEquals(BuildState.STARTED, builds.get(first.id()).state(), "a drained agent keeps its started build");
        agentBuilds.reportSuccess(draining, first.id(), outputs(derivations.get(a.path())));
        assertEquals(BuildState.SUCCEEDED, builds.get(first.id()).state());

        UUID second = submit(List.of(), b).get(0).buildId();
        UUID stopped = newAgent(Set.of()).agent().id();
        assertEquals(second, agentBuilds.fetch(stopped, new FetchRequest(Set.of(), 1)).get(0).id());
        agentBuilds.reportStarted(stopped, second);

        agents.deactivate(stopped, true);

        assertEquals(BuildState.SCHEDULED, builds.get(second).state(), "back to the queue at once");
        assertThrows(NotAllocatedToAgentException.class, () -> agentBuilds.reportSuccess(stopped, second,
                outputs(derivations.get(b.path()))), "its late report is refused");
        UUID other = newAgent(Set.of()).agent().id();
        assertEquals(second, agentBuilds.fetch(other, new FetchRequest(Set.of(), 1)).get(0).id());
    }

    @Test
    void agentsHaveUniqueNamesAndAreFoundByNameOrIdAndRemoved() {
        DerivationSummary a = graph.derivation("a");
        UUID build = submit(List.of(a), a).get(0).buildId();
        String name = "named-" + UUID.randomUUID().toString().substring(0, 6);
        AgentCredentials created = agents.create(new NewAgent(name, "", Set.of(graph.system()), Set.of()));
        UUID id = created.agent().id();
        assertThrows(ConflictException.class,
                () -> agents.create(new NewAgent(name, "", Set.of(graph.system()), Set.of())));
        assertEquals(id, agents.find(name).id());
        assertEquals(id, agents.find(id.toString()).id());
        assertThrows(NotFoundException.class, () -> agents.find("no-" + name));
        agentBuilds.reportStarted(id, agentBuilds.fetch(id, new FetchRequest(Set.of(), 1)).get(0).id());

        agents.remove(id);

        assertFalse(agents.authenticate(id, created.password()), "its password stops working at once");
        assertEquals(BuildState.SCHEDULED, builds.get(build).state());
        assertThrows(NotFoundException.class, () -> agents.find(name));
        assertTrue(agents.list().stream().noneMatch(agent -> agent.id().equals(id)));
        UUID successor = agents.create(new NewAgent(name, "", Set.of(graph.system()), Set.of())).agent().id();
        assertEquals(build, agentBuilds.fetch(successor, new FetchRequest(Set.of(), 1)).get(0).id());
    }

    @Test
    void aRestartedAgentGivesItsBuildsBack() {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b");
        submit(List.of(a, b), a, b);
        UUID agent = newAgent(Set.of()).agent().id();
        List<Build> held = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 2));
        agentBuilds.reportStarted(agent, held.get(0).id());

        agents.restarted(agent);

        for (Build build : held) {
            assertEquals(BuildState.SCHEDULED, builds.get(build.id()).state());
        }
        assertEquals(2, agentBuilds.fetch(agent, new FetchRequest(Set.of(), 2)).size());
    }

    @Test
    void tellsSubscribersOfEveryCommittedEvent() throws Exception {
        List<Event> told = new CopyOnWriteArrayList<>();
        long before = events.latestId();
        DerivationSummary a = graph.derivation("a");
        UUID build;
        try (EventSubscription subscription = events.subscribe(told::addAll)) {
            build = submit(List.of(a), a).get(0).buildId();
            builds.cancel(build);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (told.stream().noneMatch(e -> e.type() == EventType.BUILD_CANCELED) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertTrue(told.stream().anyMatch(e -> e.type() == EventType.BUILD_SUBMITTED && build.equals(e.buildId())));
        assertTrue(told.stream().anyMatch(e -> e.type() == EventType.BUILD_CANCELED && build.equals(e.buildId())));
        List<Event> stored = events.after(before, 1000);
        assertTrue(stored.stream().map(Event::id).toList().equals(stored.stream().map(Event::id).sorted().toList()));
        assertThrows(InvalidRequestException.class, () -> events.after(0, 0));
    }

    @Test
    void resumesWhereItStoppedAfterARestart() throws Exception {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b");
        DerivationSummary c = graph.derivation("c", b);
        List<SubmitResult> submitted = submit(List.of(a, b, c), a, b, c);
        AgentCredentials agent = newAgent(Set.of());
        Build allocated = agentBuilds.fetch(agent.agent().id(), new FetchRequest(Set.of(), 1)).get(0);

        stopComponents();
        configure();

        assertEquals(BuildState.ALLOCATED, builds.get(allocated.id()).state());
        assertTrue(agents.authenticate(agent.agent().id(), agent.password()));
        List<Build> next = agentBuilds.fetch(agent.agent().id(), new FetchRequest(Set.of(), 3));
        assertEquals(List.of(allocated.id(), submitted.get(1).buildId()), next.stream().map(Build::id).toList(),
                "the allocated build again, then the plan rebuilt from the database, still waiting for b before c");
    }

    @Test
    void tagsABuildInOneTransactionWithItsEvent() {
        DerivationSummary a = graph.derivation("a");
        UUID build = builds.submit(new SubmitRequest(List.of(a), List.of(new BuildSubmission(a.path(),
                SubmitOptions.DEFAULT.withTags(Set.of(Tag.parse("jobset=main"), Tag.parse("old=1")))))))
                .get(0).buildId();

        Build tagged = builds.tag(build, Set.of(Tag.parse("jobset=release"), Tag.parse("checked-by=tagger")),
                Set.of("old", "absent"));

        Set<Tag> expected = Set.of(Tag.parse("jobset=release"), Tag.parse("checked-by=tagger"));
        assertEquals(expected, tagged.tags());
        assertEquals(expected, builds.get(build).tags());
        Event event = lastEventOf(build);
        assertEquals(EventType.BUILD_TAGGED, event.type());
        assertEquals(Map.of("added", "checked-by=tagger jobset=release", "removed", "old"), event.data());
        assertEquals(List.of(build), builds.list(BuildQuery.all(10).withTag(Tag.parse("checked-by=tagger"))
                .withDerivationPath(a.path())).builds().stream().map(Build::id).toList());

        builds.tag(build, Set.of(Tag.parse("checked-by=tagger")), Set.of("old"));
        assertEquals(event.id(), lastEventOf(build).id(), "no change, no event");
        assertThrows(NotFoundException.class, () -> builds.tag(UUID.randomUUID(), Set.of(Tag.parse("k=v")),
                Set.of()));
        assertThrows(InvalidRequestException.class, () -> builds.tag(build, Set.of(Tag.parse("k=1"),
                Tag.parse("k=2")), Set.of()));
        assertEquals(expected, builds.get(build).tags());
    }

    @Test
    void countsBuildsByStateAndShowsWhatEachAgentHolds() {
        DerivationSummary a = graph.derivation("a");
        DerivationSummary b = graph.derivation("b");
        DerivationSummary c = graph.derivation("c");
        Tag run = new Tag("run", UUID.randomUUID().toString());
        List<SubmitResult> submitted = builds.submit(new SubmitRequest(List.of(a, b, c), Stream.of(a, b, c)
                .map(d -> new BuildSubmission(d.path(), SubmitOptions.DEFAULT.withTags(Set.of(run)))).toList()));
        UUID agent = newAgent(Set.of()).agent().id();
        List<Build> fetched = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 2));
        assertEquals(2, fetched.size());
        agentBuilds.reportStarted(agent, fetched.get(0).id());
        agents.reportLoad(agent, new AgentLoad(1.5, 0, Instant.parse("2026-01-01T00:00:00Z")));

        assertEquals(Map.of(BuildState.SCHEDULED, 1L, BuildState.ALLOCATED, 1L, BuildState.STARTED, 1L),
                builds.counts(BuildQuery.all(1).withTag(run)));
        assertEquals(Map.of(BuildState.STARTED, 1L), builds.counts(BuildQuery.all(1).withTag(run)
                .withStates(Set.of(BuildState.STARTED, BuildState.FAILED))));
        AgentActivity activity = agents.activity().get(agent);
        assertEquals(Map.of(fetched.get(0).id(), BuildState.STARTED, fetched.get(1).id(), BuildState.ALLOCATED),
                activity.builds().stream().collect(java.util.stream.Collectors.toMap(RunningBuild::buildId,
                        RunningBuild::state)));
        assertEquals(new AgentLoad(1.5, 0, Instant.parse("2026-01-01T00:00:00Z")), activity.load());
        UUID idle = newAgent(Set.of()).agent().id();
        assertEquals(new AgentActivity(idle, List.of(), null), agents.activity().get(idle));
        assertTrue(submitted.stream().allMatch(r -> r.outcome() == SubmitOutcome.CREATED));
    }

    // Helpers

    List<SubmitResult> submit(List<DerivationSummary> known, DerivationSummary... toBuild) {
        return builds.submit(new SubmitRequest(known, Stream.of(toBuild)
                .map(d -> new BuildSubmission(d.path(), SubmitOptions.DEFAULT)).toList()));
    }

    AgentCredentials newAgent(Set<Tag> tags) {
        return agents.create(new NewAgent("agent-" + UUID.randomUUID().toString().substring(0, 6), "a test agent",
                Set.of(graph.system()), tags));
    }

    void buildSuccessfully(UUID agent, Build build) {
        agentBuilds.reportStarted(agent, build.id());
        agentBuilds.reportSuccess(agent, build.id(), outputs(derivations.get(build.derivationPath())));
    }

    List<OutputMetadata> outputs(DerivationSummary derivation) {
        return derivation.outputs().entrySet().stream()
                .map(o -> new OutputMetadata(o.getKey(), o.getValue(), NAR_HASH, 1024, List.of(o.getValue())))
                .toList();
    }

    private List<String> planOf(UUID agent) {
        return plans.plan(agent, 10).builds().stream().map(PlannedBuild::derivationPath).toList();
    }

    private List<EventType> eventTypesOf(UUID build) {
        return eventsOf(build).stream().map(Event::type).toList();
    }

    private Event lastEventOf(UUID build) {
        List<Event> all = eventsOf(build);
        return all.get(all.size() - 1);
    }

    private List<Event> eventsOf(UUID build) {
        List<Event> found = new ArrayList<>();
        long after = 0;
        List<Event> page;
        do {
            page = events.after(after, 1000);
            page.stream().filter(e -> build.equals(e.buildId())).forEach(found::add);
            after = page.isEmpty() ? after : page.get(page.size() - 1).id();
        } while (page.size() == 1000);
        return found;
    }

    private void configure() throws Exception {
        Map<String, Object> datastore = new HashMap<>(database);
        datastore.put("state.dir", stateDir.toString());
        datastoreConfiguration = Services.configure(context, "dev.kiln.datastore", datastore);
        coordinatorConfiguration = Services.configure(context, "dev.kiln.coordinator", Map.of(
                "state.dir", stateDir.toString(),
                "allocation.strategy", strategy(),
                "agent.timeout.seconds", 300L,
                "agent.max.allocated", MAX_ALLOCATED));
        builds = Services.await(context, BuildService.class);
        agentBuilds = Services.await(context, AgentBuildService.class);
        agents = Services.await(context, AgentService.class);
        derivations = Services.await(context, DerivationService.class);
        plans = Services.await(context, AllocationPlanService.class);
        events = Services.await(context, EventService.class);
    }

    private void stopComponents() throws Exception {
        if (coordinatorConfiguration == null) {
            return;
        }
        coordinatorConfiguration.delete();
        datastoreConfiguration.delete();
        Services.awaitGone(context, BuildService.class);
        Services.awaitGone(context, AllocationPlanService.class);
        Services.awaitGone(context, Datastore.class);
    }
}
