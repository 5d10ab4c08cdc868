package dev.kiln.allocator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.kiln.api.Agent;
import dev.kiln.api.BuildState;
import dev.kiln.api.PlannedBuild;
import dev.kiln.api.Tag;
import dev.kiln.api.allocation.AllocationStrategy;
import dev.kiln.api.allocation.PendingBuild;

/** The plan's behaviour, the same under both strategies unless a test says otherwise. */
class AllocationPlanTest {

    private static final long NOW = 1_000_000L;
    private static final UUID AGENT = UUID.randomUUID();

    private long sequence;

    static Stream<AllocationStrategy> strategies() {
        return Stream.of(new BasicStrategy(), new DerivationOrderedStrategy());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void ordersByPriorityThenAge(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 100);
        PendingBuild old = build("old", 0);
        PendingBuild urgent = build("urgent", 10);
        PendingBuild young = build("young", 0);
        Stream.of(old, urgent, young).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(urgent.id(), old.id(), young.id()), plan.choose(AGENT, Set.of(), 10));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void givesAnAgentOnlyItsSystemsAndBuildsWhoseRequiredTagsItCarries(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(Tag.parse("big=yes")), 100);
        PendingBuild arm = new PendingBuild(UUID.randomUUID(), ++sequence, drv("arm"), "aarch64-linux", 0, Set.of(),
                Set.of(), BuildState.SCHEDULED, null, null);
        PendingBuild needsBig = withTags(build("big", 0), Set.of(Tag.parse("big=yes")));
        PendingBuild needsKvm = withTags(build("kvm", 0), Set.of(Tag.parse("kvm=yes")));
        PendingBuild plain = build("plain", 0);
        Stream.of(arm, needsBig, needsKvm, plain).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(needsBig.id(), plain.id()), plan.choose(AGENT, Set.of(), 10));
        assertEquals(List.of(arm.id()), plan.choose(AGENT, Set.of("aarch64-linux"), 10),
                "the systems a fetch names replace those the agent was created with");
        assertEquals(List.of(), plan.choose(AGENT, Set.of(), 10), "nobody carries kvm=yes");
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void blocksABuildWhileAnInputIsBeingBuiltAndReleasesItWhenTheInputIsDone(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 100);
        PendingBuild input = build("input", 0);
        PendingBuild top = build("top", 50, input);
        plan.put(top, NOW);
        plan.put(input, NOW);

        assertEquals(List.of(input.id()), plan.choose(AGENT, Set.of(), 10), "top waits for its input");
        plan.allocated(input.id(), AGENT);
        assertEquals(List.of(), plan.choose(AGENT, Set.of(), 10), "top still waits while the input is allocated");
        plan.remove(input.id(), NOW);
        assertEquals(List.of(top.id()), plan.choose(AGENT, Set.of(), 10));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aNewBuildOfAnInputBlocksTheBuildsNeedingIt(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 100);
        PendingBuild input = build("input", 0);
        PendingBuild top = build("top", 0, input);
        plan.put(top, NOW);
        assertEquals(1, plan.plan(AGENT, 10, NOW).builds().size());

        plan.put(input, NOW);

        assertEquals(List.of(input.id()), ids(plan.plan(AGENT, 10, NOW).builds()));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void neverAllocatesMoreThanTheCapToOneAgent(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 3);
        List<PendingBuild> builds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            builds.add(build("b" + i, 0));
            plan.put(builds.get(i), NOW);
        }
        List<UUID> first = plan.choose(AGENT, Set.of(), 10);
        first.forEach(id -> plan.allocated(id, AGENT));
        assertEquals(3, first.size());
        assertEquals(List.of(), plan.choose(AGENT, Set.of(), 10));

        plan.started(first.get(0), NOW);

        assertEquals(1, plan.choose(AGENT, Set.of(), 10).size(), "a started build frees a place under the cap");
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void holdsDeferredBuildsUntilTheirTime(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 100);
        PendingBuild later = withDefer(build("later", 100), Instant.ofEpochMilli(NOW + 5_000));
        PendingBuild now = build("now", 0);
        plan.put(later, NOW);
        plan.put(now, NOW);

        assertEquals(NOW + 5_000, plan.promoteDeferred(NOW));
        assertEquals(List.of(now.id()), ids(plan.plan(AGENT, 10, NOW).builds()));
        assertEquals(Long.MAX_VALUE, plan.promoteDeferred(NOW + 5_000));
        assertEquals(List.of(later.id(), now.id()), ids(plan.plan(AGENT, 10, NOW).builds()));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void givesNothingToAnInactiveAgent(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 100);
        plan.put(build("b", 0), NOW);
        plan.putAgent(plan.agent(AGENT).withActive(false));

        assertEquals(List.of(), plan.choose(AGENT, Set.of(), 10));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void schedulesAgainBuildsWhoseAllocationFailed(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 1);
        PendingBuild build = build("b", 0);
        PendingBuild other = build("c", 0);
        plan.put(build, NOW);
        plan.put(other, NOW);
        List<UUID> chosen = plan.choose(AGENT, Set.of(), 1);
        chosen.forEach(id -> plan.allocated(id, AGENT));
        assertEquals(List.of(), plan.choose(AGENT, Set.of(), 1), "the agent's cap of 1 is taken");

        chosen.forEach(id -> plan.unallocate(id, AGENT));

        assertEquals(0, plan.plan(AGENT, 10, NOW).allocatedCount());
        assertEquals(chosen, plan.choose(AGENT, Set.of(), 1), "the best build again, within the cap again");
    }

    @Test
    void knowsTheBuildsAllocatedToEachAgentUntilTheyStartOrLeave() {
        AllocationPlan plan = planWithAgent(new BasicStrategy(), Set.of("x86_64-linux"), Set.of(), 100);
        List<PendingBuild> builds = List.of(build("a", 0), build("b", 0), build("c", 0), build("d", 0));
        builds.forEach(b -> plan.put(b, NOW));
        List<UUID> chosen = plan.choose(AGENT, Set.of(), 4);
        chosen.forEach(id -> plan.allocated(id, AGENT));
        assertEquals(chosen, plan.allocatedTo(AGENT));

        plan.started(chosen.get(0), NOW);
        plan.remove(chosen.get(1), NOW);
        plan.unallocate(chosen.get(2), AGENT);

        assertEquals(List.of(chosen.get(3)), plan.allocatedTo(AGENT));
        assertEquals(List.of(), plan.allocatedTo(UUID.randomUUID()));
        PendingBuild restored = new PendingBuild(UUID.randomUUID(), ++sequence, drv("e"), "x86_64-linux", 0, Set.of(),
                Set.of(), BuildState.ALLOCATED, AGENT, null);
        plan.put(restored, NOW);
        assertEquals(List.of(chosen.get(3), restored.id()), plan.allocatedTo(AGENT), "as rebuilt from the database");
    }

    @Test
    void derivationOrderedRaisesTheInputsOfAnUrgentBuildThroughTheWholeChain() {
        AllocationPlan plan = planWithAgent(new DerivationOrderedStrategy(), Set.of("x86_64-linux"), Set.of(), 100);
        PendingBuild unrelated = build("unrelated", 5);
        PendingBuild bottom = build("bottom", 0);
        PendingBuild middle = build("middle", 0, bottom);
        PendingBuild top = build("top", 0, middle);
        Stream.of(unrelated, bottom, middle, top).forEach(b -> plan.put(b, NOW));
        assertEquals(List.of(unrelated.id(), bottom.id()), ids(plan.plan(AGENT, 10, NOW).builds()));

        plan.changePriority(top.id(), 9);

        assertEquals(9, plan.effectivePriority(middle.id()));
        assertEquals(9, plan.effectivePriority(bottom.id()));
        assertEquals(List.of(bottom.id(), unrelated.id()), ids(plan.plan(AGENT, 10, NOW).builds()));

        plan.remove(top.id(), NOW);

        assertEquals(0, plan.effectivePriority(bottom.id()), "the inherited priority goes with the build");
        assertEquals(List.of(unrelated.id(), bottom.id()), ids(plan.plan(AGENT, 10, NOW).builds()));
    }

    @Test
    void basicIgnoresTheBuildsWaiting() {
        AllocationPlan plan = planWithAgent(new BasicStrategy(), Set.of("x86_64-linux"), Set.of(), 100);
        PendingBuild unrelated = build("unrelated", 5);
        PendingBuild bottom = build("bottom", 0);
        PendingBuild top = build("top", 9, bottom);
        Stream.of(unrelated, bottom, top).forEach(b -> plan.put(b, NOW));

        assertEquals(0, plan.effectivePriority(bottom.id()));
        assertEquals(List.of(unrelated.id(), bottom.id()), ids(plan.plan(AGENT, 10, NOW).builds()));
    }

    @Test
    void derivationOrderedHandlesChainsDeeperThanAThreadStack() {
        AllocationPlan plan = planWithAgent(new DerivationOrderedStrategy(), Set.of("x86_64-linux"), Set.of(), 100);
        PendingBuild previous = build("link0", 0);
        PendingBuild first = previous;
        plan.put(previous, NOW);
        for (int i = 1; i < 50_000; i++) {
            PendingBuild next = build("link" + i, 0, previous);
            plan.put(next, NOW);
            previous = next;
        }

        plan.changePriority(previous.id(), 7);

        assertEquals(7, plan.effectivePriority(first.id()));
        assertEquals(49_999, plan.statistics().blocked(), plan.statistics().toString());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void copesWithAnInputThatTensOfThousandsOfBuildsWaitOn(AllocationStrategy strategy) {
        AllocationPlan plan = planWithAgent(strategy, Set.of("x86_64-linux"), Set.of(), 100_000);
        PendingBuild bootstrap = build("bootstrap", 0);
        plan.put(bootstrap, NOW);
        List<PendingBuild> waiting = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            waiting.add(build("package" + i, i % 7, bootstrap));
            plan.put(waiting.get(i), NOW);
        }
        assertEquals(50_000, plan.statistics().blocked());

        plan.remove(bootstrap.id(), NOW);
        List<UUID> chosen = plan.choose(AGENT, Set.of(), 100_000);
        chosen.forEach(id -> plan.allocated(id, AGENT));
        chosen.forEach(id -> plan.remove(id, NOW));

        assertEquals(50_000, chosen.size());
        assertEquals(0, plan.statistics().blocked() + plan.statistics().ready());
    }

    private AllocationPlan planWithAgent(AllocationStrategy strategy, Set<String> systems, Set<Tag> tags, int cap) {
        AllocationPlan plan = new AllocationPlan(strategy, cap);
        plan.putAgent(new Agent(AGENT, "agent", "", systems, tags, true, Instant.EPOCH, null));
        return plan;
    }

    private PendingBuild build(String name, int priority, PendingBuild... inputs) {
        return new PendingBuild(UUID.randomUUID(), ++sequence, drv(name), "x86_64-linux", priority, Set.of(),
                Stream.of(inputs).map(PendingBuild::derivationPath).collect(Collectors.toSet()),
                BuildState.SCHEDULED, null, null);
    }

    private static PendingBuild withTags(PendingBuild build, Set<Tag> tags) {
        return new PendingBuild(build.id(), build.sequence(), build.derivationPath(), build.system(),
                build.priority(), tags, build.inputDerivations(), build.state(), build.agentId(), build.deferUntil());
    }

    private static PendingBuild withDefer(PendingBuild build, Instant until) {
        return new PendingBuild(build.id(), build.sequence(), build.derivationPath(), build.system(),
                build.priority(), build.requiredAgentTags(), build.inputDerivations(), build.state(), build.agentId(),
                until);
    }

    private static String drv(String name) {
        return "/nix/store/" + "0".repeat(32) + "-" + name + ".drv";
    }

    private static List<UUID> ids(List<PlannedBuild> builds) {
        return builds.stream().map(PlannedBuild::buildId).toList();
    }
}
