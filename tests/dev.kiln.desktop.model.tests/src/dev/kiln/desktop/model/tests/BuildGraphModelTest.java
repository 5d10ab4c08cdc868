package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.tests.fake.ManualScheduler;
import dev.kiln.desktop.model.views.BuildGraphModel;
import dev.kiln.desktop.model.views.ConnectionSupervisor;
import dev.kiln.desktop.model.views.GraphLayout;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.GraphEdgeInfo;
import dev.kiln.protocol.GraphNodeInfo;

class BuildGraphModelTest {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final FakeFarm farm = new FakeFarm(scheduler);
    private final List<BuildGraphModel.Graph> shown = new ArrayList<>();
    private final BuildGraphModel model = new BuildGraphModel(farm, scheduler,
            new ConnectionSupervisor(farm, scheduler, dev.kiln.retry.Backoff.DEFAULT), shown::add);

    @Test
    void laysOutTheGraphWithTheBlockingPathAndKeepsItWhileTheCoordinatorIsDown() {
        BuildInfo top = farm.addBuild("top", "x86_64-linux", BuildState.DEPENDENCY_FAILED, 0, Map.of(), T0, null);
        BuildInfo broken = farm.addBuild("broken", "x86_64-linux", BuildState.FAILED, 0, Map.of(), T0, T0);
        BuildInfo fine = farm.addBuild("fine", "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), T0, null);
        farm.setGraph(top.id(), new BuildGraphInfo(top.id(), List.of(
                new GraphNodeInfo(top.derivation(), top.id(), top.state(), 0, 2, true),
                new GraphNodeInfo(broken.derivation(), broken.id(), broken.state(), 1, 0, true),
                new GraphNodeInfo(fine.derivation(), fine.id(), fine.state(), 1, 0, false)),
                List.of(new GraphEdgeInfo(broken.derivation(), top.derivation()),
                        new GraphEdgeInfo(fine.derivation(), top.derivation())),
                List.of(top.derivation(), broken.derivation()), 0));

        model.show(top.id());

        GraphLayout layout = shown.get(0).layout();
        assertEquals("", shown.get(0).problem());
        assertEquals(top.id(), layout.root().build());
        assertEquals(1, layout.root().layer(), "the build after its inputs");
        assertEquals(2, layout.root().builtInputs());
        assertEquals(java.util.Set.of(broken.id(), top.id()), layout.blockingPath().stream()
                .map(GraphLayout.Node::build).collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of(broken.id()), BuildGraphModel.retryTargets(layout, layout.root()),
                "retrying from the blocked build retries the failed input on its path");
        GraphLayout.Node fineNode = layout.nodes().stream().filter(node -> fine.id().equals(node.build())).findFirst()
                .orElseThrow();
        assertEquals(List.of(broken.id()), BuildGraphModel.retryTargets(layout, fineNode));

        farm.setDown(true);
        model.refresh();
        BuildGraphModel.Graph offline = shown.get(shown.size() - 1);
        assertTrue(offline.problem().contains("connection refused"), offline.problem());
        assertEquals(layout, offline.layout(), "the last graph stays");
        assertEquals(T0, offline.loadedAt());

        farm.setDown(false);
        model.refresh();
        assertEquals("", shown.get(shown.size() - 1).problem());
        assertNotNull(shown.get(shown.size() - 1).layout());
    }

    @Test
    void aFailedDerivationSelectedIsRetriedItself() {
        UUID failed = UUID.randomUUID();
        GraphLayout layout = GraphLayout.of(List.of(new GraphLayout.Vertex("/nix/store/a-x.drv", failed,
                BuildState.FAILED, 0, false, true)), List.of(), 0);

        assertEquals(List.of(failed), BuildGraphModel.retryTargets(layout, layout.nodes().get(0)));
    }
}
