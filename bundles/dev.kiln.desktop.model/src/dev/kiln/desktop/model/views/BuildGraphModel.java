package dev.kiln.desktop.model.views;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.GraphEdgeInfo;
import dev.kiln.protocol.GraphNodeInfo;

/**
 * Loads the dependency graph of one build and lays it out, off the display thread; {@link #refresh()} reads it again
 * (asked for after every change of the farm's builds, in bursts folded into one read). A read that fails keeps the
 * last graph and says why, so that the view goes on showing it while the coordinator is down. Thread-safe.
 */
public final class BuildGraphModel {

    /**
     * The most derivations asked for: the coordinator leaves out the farthest beyond them (and the built ones always),
     * so that a closure of thousands stays quick to read and to draw.
     */
    public static final int MAX_NODES = 2000;

    /**
     * What the view shows.
     *
     * @param layout   the last graph read, or {@code null} before the first
     * @param problem  why the last read failed, or empty
     * @param loadedAt when the graph was read
     */
    public record Graph(UUID build, GraphLayout layout, String problem, Instant loadedAt) {
    }

    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final ConnectionSupervisor supervisor;
    private final Consumer<Graph> view;
    private final Recomputation reload;
    private volatile UUID build;
    private volatile Graph last;

    /** @param view told each graph read, on the scheduler's threads */
    public BuildGraphModel(FarmConnection connection, Scheduler scheduler, ConnectionSupervisor supervisor,
            Consumer<Graph> view) {
        this.connection = connection;
        this.scheduler = scheduler;
        this.supervisor = supervisor;
        this.view = view;
        this.reload = new Recomputation(scheduler, this::read);
    }

    /** Shows the graph of {@code id}. */
    public void show(UUID id) {
        build = id;
        reload.request();
    }

    /** Reads the graph shown again. */
    public void refresh() {
        if (build != null) {
            reload.request();
        }
    }

    /** The build whose graph is shown, or {@code null}. */
    public UUID build() {
        return build;
    }

    private void read() {
        UUID id = build;
        if (id == null) {
            return;
        }
        Graph graph;
        try {
            graph = new Graph(id, layout(connection.graph(id, MAX_NODES)), "", scheduler.now());
        } catch (FarmException e) {
            supervisor.failed(e);
            Graph previous = last;
            graph = new Graph(id, previous != null && id.equals(previous.build()) ? previous.layout() : null,
                    e.getMessage(), previous == null ? null : previous.loadedAt());
        }
        if (id.equals(build)) {
            last = graph;
            view.accept(graph);
        }
    }

    /** The coordinator's graph laid out; the build's own derivation is the one at depth 0. */
    public static GraphLayout layout(BuildGraphInfo graph) {
        List<GraphLayout.Vertex> vertices = new ArrayList<>(graph.nodes().size());
        for (GraphNodeInfo node : graph.nodes()) {
            vertices.add(new GraphLayout.Vertex(node.derivation(), node.build(), node.state(), node.builtInputs(),
                    node.blocking(), node.depth() == 0));
        }
        List<GraphLayout.Link> links = new ArrayList<>(graph.edges().size());
        for (GraphEdgeInfo edge : graph.edges()) {
            links.add(new GraphLayout.Link(edge.input(), edge.dependent()));
        }
        return GraphLayout.of(vertices, links, graph.omitted());
    }

    /**
     * The builds "retry with dependents" retries for a selected derivation: its own build when it failed or was
     * canceled (the coordinator brings back the dependents that its failure held), else the failed builds on the
     * path that blocks the graph's build, whose retry does the same for them.
     */
    public static List<UUID> retryTargets(GraphLayout layout, GraphLayout.Node selected) {
        if (selected != null && selected.build() != null && (selected.state() == BuildState.FAILED
                || selected.state() == BuildState.CANCELED)) {
            return List.of(selected.build());
        }
        return layout.blockingPath().stream().filter(node -> node.build() != null
                && node.state() == BuildState.FAILED).map(GraphLayout.Node::build).toList();
    }
}
