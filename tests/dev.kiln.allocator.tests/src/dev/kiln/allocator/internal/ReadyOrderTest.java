package dev.kiln.allocator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.api.Agent;
import dev.kiln.api.BuildState;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.QueuePosition;
import dev.kiln.api.QueuePosition.Reason;
import dev.kiln.api.Tag;
import dev.kiln.api.allocation.PendingBuild;

/** The order of ready builds: per-system queues, priority, fair share over 24 hours, submission; and positions. */
class ReadyOrderTest {

    private static final String X86 = "x86_64-linux";
    private static final String ARM = "aarch64-linux";
    private static final long NOW = 100_000_000L;
    private static final Tag SMALL = new Tag(PendingBuild.JOBSET_TAG, "small");
    private static final Tag BIG = new Tag(PendingBuild.JOBSET_TAG, "big");

    private final AllocationPlan plan = new AllocationPlan(new DerivationOrderedStrategy(), 1000);
    private final Map<UUID, Tag> groups = new HashMap<>();
    private long sequence;

    @Test
    void aBacklogOfOneSystemNeitherDelaysNorCountsForAnotherSystem() {
        UUID x86 = agent("x86", X86);
        for (int i = 0; i < 20_000; i++) {
            plan.put(build("arm" + i, ARM, 100, null), NOW);
        }
        PendingBuild mine = build("mine", X86, 0, null);
        plan.put(mine, NOW);

        QueuePosition position = plan.position(mine.id(), 10, NOW).orElseThrow();
        assertEquals(1, position.position(), "the aarch64 builds, however urgent, are in a queue of their own");
        assertEquals(1, position.readyInSystem());
        assertEquals(List.of(mine.id()), plan.choose(x86, fetch(X86, 5), 5, NOW));
    }

    @Test
    void amongEqualPrioritiesTheGroupThatUsedLeastOfItsSharesGoesFirst() {
        UUID agent = agent("x86", X86);
        plan.setShares("big", 3);
        // small used 10 minutes for 1 share; big 20 minutes for 3: big used less of its shares.
        plan.used(SMALL, NOW - 1_000, 600_000);
        plan.used(BIG, NOW - 1_000, 1_200_000);
        PendingBuild small = build("small", X86, 0, SMALL);
        PendingBuild big = build("big", X86, 0, BIG);
        PendingBuild urgent = build("urgent", X86, 5, SMALL);
        List.of(small, big, urgent).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(urgent.id(), big.id(), small.id()), plan.choose(agent, fetch(X86, 3), 3, NOW),
                "priority first, then the share used");
    }

    @Test
    void buildTimeOlderThanADayNoLongerCounts() {
        UUID agent = agent("x86", X86);
        plan.used(SMALL, NOW - ShareUsage.WINDOW_MILLIS - 1, 3_600_000);
        plan.used(BIG, NOW - 1_000, 60_000);
        PendingBuild big = build("big", X86, 0, BIG);
        PendingBuild small = build("small", X86, 0, SMALL);
        List.of(big, small).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(small.id(), big.id()), plan.choose(agent, fetch(X86, 2), 2, NOW));
    }

    @Test
    void underContentionGroupsGetBuildTimeInTheRatioOfTheirShares() {
        UUID agent = agent("x86", X86);
        plan.setShares("big", 3);
        for (int i = 0; i < 400; i++) {
            plan.put(build("s" + i, X86, 0, SMALL), NOW);
            plan.put(build("b" + i, X86, 0, BIG), NOW);
        }
        Map<Tag, Integer> built = new HashMap<>();
        long now = NOW;
        for (int i = 0; i < 400; i++) {
            UUID id = plan.choose(agent, fetch(X86, 1), 1, now).get(0);
            plan.allocated(id, agent);
            plan.started(id, now);
            now += 1_000;
            plan.remove(id, now);
            built.merge(groups.get(id), 1, Integer::sum);
        }

        assertEquals(100, built.get(SMALL), 2);
        assertEquals(300, built.get(BIG), 2);
    }

    @Test
    void runningBuildsCountForTheirGroupAsTheyRun() {
        UUID agent = agent("x86", X86);
        PendingBuild running = build("running", X86, 0, SMALL);
        plan.put(running, NOW);
        plan.allocated(plan.choose(agent, fetch(X86, 1), 1, NOW).get(0), agent);
        plan.started(running.id(), NOW);
        PendingBuild small = build("small", X86, 0, SMALL);
        PendingBuild big = build("big", X86, 0, BIG);
        List.of(small, big).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(big.id(), small.id()),
                plan.plan(agent, 10, NOW + 60_000).builds().stream().map(b -> b.buildId()).toList());
    }

    @Test
    void tellsThePositionOfAReadyBuildAndWhyEachBuildBeforeItGoesFirst() {
        agent("x86", X86);
        plan.setShares("big", 3);
        plan.used(SMALL, NOW - 1_000, 600_000);
        plan.used(BIG, NOW - 1_000, 600_000);
        PendingBuild urgent = build("urgent", X86, 10, SMALL);
        PendingBuild bigOne = build("big-1", X86, 0, BIG);
        PendingBuild bigTwo = build("big-2", X86, 0, BIG);
        PendingBuild olderSmall = build("small-1", X86, 0, SMALL);
        PendingBuild target = build("small-2", X86, 0, SMALL);
        PendingBuild younger = build("small-3", X86, 0, SMALL);
        PendingBuild blocked = build("blocked", X86, 0, SMALL, target);
        List.of(urgent, bigOne, bigTwo, olderSmall, target, younger, blocked).forEach(b -> plan.put(b, NOW));

        QueuePosition position = plan.position(target.id(), 3, NOW).orElseThrow();

        assertEquals(5, position.position());
        assertEquals(6, position.readyInSystem(), "the blocked build is not ready");
        assertEquals(SMALL, position.shareGroup());
        assertEquals(1, position.shares());
        assertEquals(600.0, position.usedSeconds(), 0.001);
        assertEquals(1, position.aheadByPriority());
        assertEquals(2, position.aheadByFairShare());
        assertEquals(1, position.aheadBySubmission());
        assertEquals(List.of(urgent.id(), bigOne.id(), bigTwo.id()),
                position.ahead().stream().map(QueuePosition.Ahead::buildId).toList(), "the first three, in order");
        assertEquals(List.of(Reason.HIGHER_PRIORITY, Reason.FAIR_SHARE, Reason.FAIR_SHARE),
                position.ahead().stream().map(QueuePosition.Ahead::reason).toList());
        assertEquals(Reason.SUBMITTED_EARLIER, plan.position(target.id(), 10, NOW).orElseThrow().ahead().get(3)
                .reason());
        assertEquals(Optional.empty(), plan.position(blocked.id(), 10, NOW));
    }

    @Test
    void thePositionIsTheOrderInWhichAgentsAreGivenBuilds() {
        UUID agent = agent("x86", X86);
        plan.setShares("big", 2);
        plan.used(SMALL, NOW - 1_000, 300_000);
        plan.used(BIG, NOW - 1_000, 500_000);
        List<PendingBuild> builds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            PendingBuild build = build("b" + i, X86, i % 3, i % 2 == 0 ? SMALL : BIG);
            builds.add(build);
            plan.put(build, NOW);
        }
        Map<UUID, Integer> positions = new HashMap<>();
        builds.forEach(b -> positions.put(b.id(), plan.position(b.id(), 0, NOW).orElseThrow().position()));

        List<UUID> given = plan.choose(agent, fetch(X86, 30), 30, NOW);
        for (int i = 0; i < given.size(); i++) {
            assertEquals(i + 1, positions.get(given.get(i)), "position of the build given " + (i + 1) + "th");
        }
        assertTrue(given.size() == 30);
    }

    private UUID agent(String name, String system) {
        UUID id = UUID.randomUUID();
        plan.putAgent(new Agent(id, name, "", Set.of(system), Set.of(), true, Instant.EPOCH, null));
        return id;
    }

    private static FetchRequest fetch(String system, int slots) {
        return new FetchRequest(Set.of(system), slots);
    }

    private PendingBuild build(String name, String system, int priority, Tag group, PendingBuild... inputs) {
        PendingBuild build = new PendingBuild(UUID.randomUUID(), ++sequence, "/nix/store/" + "0".repeat(32) + "-"
                + name + ".drv", system, priority, Set.of(),
                Set.of(List.of(inputs).stream().map(PendingBuild::derivationPath).toArray(String[]::new)),
                BuildState.SCHEDULED, null, null, Set.of(), group, null);
        groups.put(build.id(), group);
        return build;
    }
}
