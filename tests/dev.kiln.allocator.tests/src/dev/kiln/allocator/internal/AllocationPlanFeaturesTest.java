package dev.kiln.allocator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.api.Agent;
import dev.kiln.api.BuildState;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.allocation.PendingBuild;

/** Required system features, mandatory features and the choice among agents by speed factor and room. */
class AllocationPlanFeaturesTest {

    private static final String SYSTEM = "x86_64-linux";
    private static final long NOW = 1_000_000L;
    private static final long TIMEOUT = 300_000L;

    private final AllocationPlan plan = new AllocationPlan(new BasicStrategy(), 100, TIMEOUT);
    private long sequence;

    @Test
    void givesABuildOnlyToAnAgentWithEveryFeatureItRequires() {
        UUID plain = agent("plain");
        UUID kvm = agent("kvm");
        PendingBuild needsKvm = build("vm-test", Set.of("kvm"));
        PendingBuild needsTwo = build("big-vm-test", Set.of("kvm", "big-parallel"));
        PendingBuild anything = build("hello", Set.of());
        List.of(needsKvm, needsTwo, anything).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(anything.id()), plan.choose(plain, fetch(Set.of(), Set.of(), 1), 10, NOW),
                "an agent without features takes only the build that requires none");
        assertEquals(List.of(needsKvm.id()), plan.choose(kvm, fetch(Set.of("kvm"), Set.of(), 1), 10, NOW),
                "kvm alone does not take a build that also requires big-parallel");
        assertEquals(Map.of(needsTwo.id(), "no agent has big-parallel"),
                plan.unallocatable(List.of(needsKvm.id(), needsTwo.id(), anything.id()), NOW));
    }

    @Test
    void anAgentWithAMandatoryFeatureTakesOnlyBuildsThatRequireIt() {
        UUID big = agent("big");
        PendingBuild plain = build("hello", Set.of());
        PendingBuild kvmOnly = build("vm-test", Set.of("kvm"));
        PendingBuild bigBuild = build("chromium", Set.of("big-parallel"));
        List.of(plain, kvmOnly, bigBuild).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(bigBuild.id()),
                plan.choose(big, fetch(Set.of("kvm"), Set.of("big-parallel"), 1), 10, NOW));
        assertEquals(Map.of(plain.id(), "the agents that could take it build only what requires big-parallel",
                kvmOnly.id(), "the agents that could take it build only what requires big-parallel"),
                plan.unallocatable(List.of(plain.id(), kvmOnly.id()), NOW));
    }

    @Test
    void saysWhyNoAgentCanTakeABuildUntilAnAbleAgentFetchesAndAfterItIsGone() {
        UUID plain = agent("plain");
        PendingBuild needsKvm = build("vm-test", Set.of("kvm"));
        PendingBuild arm = new PendingBuild(UUID.randomUUID(), ++sequence, drv("arm"), "aarch64-linux", 0, Set.of(),
                Set.of(), BuildState.SCHEDULED, null, null, Set.of());
        plan.put(needsKvm, NOW);
        plan.put(arm, NOW);
        assertEquals(Map.of(needsKvm.id(), "no agent builds for x86_64-linux", arm.id(),
                "no agent builds for aarch64-linux"), plan.unallocatable(List.of(needsKvm.id(), arm.id()), NOW),
                "no agent has fetched yet");

        plan.choose(plain, fetch(Set.of(), Set.of(), 1), 10, NOW);
        assertEquals("no agent has kvm", plan.unallocatable(List.of(needsKvm.id()), NOW).get(needsKvm.id()));

        UUID kvm = agent("kvm");
        plan.choose(kvm, fetch(Set.of("kvm"), Set.of(), 1), 0, NOW);
        assertNull(plan.unallocatable(List.of(needsKvm.id()), NOW).get(needsKvm.id()), "the kvm agent can take it");
        plan.heard(plain, NOW + TIMEOUT);
        assertEquals("no agent has kvm", plan.unallocatable(List.of(needsKvm.id()), NOW + TIMEOUT + 1)
                .get(needsKvm.id()), "the kvm agent was not heard of for the agent timeout");
    }

    @Test
    void aSlowerAgentLeavesABuildToAFasterAgentWithRoomThatFetchedLately() {
        UUID fast = agent("fast");
        UUID slow = agent("slow");
        PendingBuild first = build("first", Set.of());
        PendingBuild second = build("second", Set.of());
        plan.put(first, NOW);
        plan.put(second, NOW);
        assertEquals(List.of(), plan.choose(fast, fetch(Set.of(), Set.of(), 4), 0, NOW), "the fast agent says it has room");

        assertEquals(List.of(), plan.choose(slow, fetch(Set.of(), Set.of(), 1), 2, NOW + 1),
                "the slow agent leaves the builds to the fast one");
        assertEquals(List.of(first.id()), plan.choose(fast, fetch(Set.of(), Set.of(), 4), 1, NOW + 2));
        plan.allocated(first.id(), fast);
        assertEquals(List.of(second.id()), plan.choose(slow, fetch(Set.of(), Set.of(), 1), 2,
                NOW + 3 + AllocationPlan.PREFERENCE_MILLIS), "the fast agent has not fetched lately");
    }

    @Test
    void aSlowerAgentTakesWhatAFasterAgentCannotTakeOrHasNoRoomFor() {
        UUID fast = agent("fast");
        UUID slow = agent("slow");
        PendingBuild needsKvm = build("vm-test", Set.of("kvm"));
        PendingBuild plain = build("hello", Set.of());
        PendingBuild other = build("other", Set.of());
        List.of(needsKvm, plain, other).forEach(b -> plan.put(b, NOW));

        assertEquals(List.of(plain.id()), plan.choose(fast, fetch(Set.of(), Set.of(), 4, 1), 1, NOW));
        plan.allocated(plain.id(), fast);
        assertEquals(List.of(needsKvm.id()), plan.choose(slow, fetch(Set.of("kvm"), Set.of(), 1, 1), 1, NOW + 1),
                "the fast agent has no kvm");
        assertEquals(List.of(other.id()), plan.choose(slow, fetch(Set.of("kvm"), Set.of(), 1, 1), 1, NOW + 2),
                "the fast agent has no room: it asked for one build and holds one");
    }

    private UUID agent(String name) {
        UUID id = UUID.randomUUID();
        plan.putAgent(new Agent(id, name, "", Set.of(SYSTEM), Set.of(), true, Instant.EPOCH, null));
        return id;
    }

    private static FetchRequest fetch(Set<String> features, Set<String> mandatory, double speedFactor) {
        return fetch(features, mandatory, speedFactor, 10);
    }

    private static FetchRequest fetch(Set<String> features, Set<String> mandatory, double speedFactor, int slots) {
        return new FetchRequest(Set.of(), slots, features, mandatory, speedFactor);
    }

    private PendingBuild build(String name, Set<String> features) {
        return new PendingBuild(UUID.randomUUID(), ++sequence, drv(name), SYSTEM, 0, Set.of(), Set.of(),
                BuildState.SCHEDULED, null, null, features);
    }

    private static String drv(String name) {
        return "/nix/store/" + "0".repeat(32) + "-" + name + ".drv";
    }
}
