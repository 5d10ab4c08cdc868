package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.tests.fake.ManualScheduler;
import dev.kiln.desktop.model.views.BuildDetails;
import dev.kiln.desktop.model.views.BuildDetailsModel;
import dev.kiln.desktop.model.views.WaitingLine;
import dev.kiln.protocol.AheadReason;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.QueuePositionInfo;
import dev.kiln.protocol.QueuedAheadInfo;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.protocol.WaitingKind;
import dev.kiln.protocol.WaitingReasonInfo;

class WaitingLineTest {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void listsEachReasonThenWhatGoesFirst() {
        UUID build = UUID.randomUUID();
        WaitingInfo waiting = new WaitingInfo(build, BuildState.SCHEDULED, List.of(
                new WaitingReasonInfo(WaitingKind.NO_ABLE_AGENT, "no agent has kvm", List.of(), null, null),
                new WaitingReasonInfo(WaitingKind.AGENTS_BUSY, "ready: every agent able to take it is busy", List.of(),
                        new QueuePositionInfo("aarch64-linux", 3, 4, null, 1, 0, 1, 0, 1, List.of(
                                new QueuedAheadInfo(UUID.randomUUID(), "/nix/store/aaaa-high.drv", 10, null,
                                        AheadReason.HIGHER_PRIORITY),
                                new QueuedAheadInfo(UUID.randomUUID(), "/nix/store/aaaa-next.drv", 0, "jobset=main",
                                        AheadReason.SUBMITTED_EARLIER))), null)));

        assertEquals(List.of(new WaitingLine("No agent can build it", "no agent has kvm"),
                new WaitingLine("Every able agent is busy", "ready: every agent able to take it is busy"),
                new WaitingLine("", "before it: high.drv, priority 10, higher priority"),
                new WaitingLine("", "before it: next.drv, priority 0, submitted earlier")), WaitingLine.of(waiting));
        assertEquals(List.of(), WaitingLine.of(new WaitingInfo(build, BuildState.STARTED, List.of())));
    }

    @Test
    void theDetailsOfAWaitingBuildSayWhy() {
        FakeFarm farm = new FakeFarm();
        BuildInfo queued = farm.addBuild("vm-test", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), T0, null);
        BuildInfo done = farm.addBuild("done", "x86_64-linux", BuildState.SUCCEEDED, 0, Map.of(), T0, T0);
        farm.setWaiting(queued.id(), new WaitingInfo(queued.id(), BuildState.SCHEDULED, List.of(
                new WaitingReasonInfo(WaitingKind.NO_ABLE_AGENT, "no agent has kvm", null, null, null))));
        BuildDetails[] shown = new BuildDetails[1];
        BuildDetailsModel model = new BuildDetailsModel(farm, new ManualScheduler(T0), details -> shown[0] = details);

        model.show(queued.id());
        assertEquals(List.of(new WaitingLine("No agent can build it", "no agent has kvm")), shown[0].waiting());

        int calls = farm.calls();
        model.show(done.id());
        assertEquals(List.of(), shown[0].waiting());
        assertEquals(calls + 2, farm.calls(), "a finished build is not asked why it waits: the build and derivation only");
    }
}
