package dev.kiln.desktop.internal;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import org.eclipse.jface.action.IAction;
import org.eclipse.swt.widgets.Composite;

import dev.kiln.desktop.model.views.BuildGraphModel;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.GraphLayout;
import dev.kiln.desktop.model.views.TopicModel;

/**
 * The build graph tab: the dependency graph of one build in layers, each derivation in its build's state colour, the
 * path that holds the build up in red, the derivations already built collapsed into the counts on their dependents;
 * read again whenever the farm's builds change, and kept, saying so, while the coordinator is down.
 */
final class GraphView extends SessionView {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final GraphCanvas canvas;
    private final OfflineNote offline;
    private final UiUpdates graphUpdates;
    private volatile BuildGraphModel model;
    private volatile BuildGraphModel.Graph graph;

    /** @param actions the buttons: retry with dependents, cancel the subgraph, raise the inputs' priority, open */
    GraphView(Composite parent, List<IAction> actions, java.util.function.Consumer<UUID> openBuild) {
        super(parent, actions.toArray(IAction[]::new));
        WidgetIds.name(empty, WidgetIds.GRAPH_STATUS);
        canvas = new GraphCanvas(root, node -> {
            if (node.build() != null) {
                openBuild.accept(node.build());
            }
        });
        fill(canvas.control());
        offline = new OfflineNote(root, this::showGraph);
        graphUpdates = new UiUpdates(root, this::showGraph);
        empty.setText(Messages.GRAPH_NONE);
    }

    GraphCanvas canvas() {
        return canvas;
    }

    /** Shows the graph of {@code build}. Display thread. */
    void showGraphOf(UUID build) {
        BuildGraphModel current = model;
        if (current != null) {
            empty.setText(Messages.GRAPH_LOADING);
            current.show(build);
        }
    }

    /** The build whose graph is shown, or {@code null}. */
    UUID shownBuild() {
        BuildGraphModel current = model;
        return current == null ? null : current.build();
    }

    void focus() {
        canvas.control().setFocus();
    }

    @Override
    void setSession(FarmSession newSession) {
        graph = null;
        model = newSession.buildGraph(loaded -> {
            graph = loaded;
            graphUpdates.request();
        });
        offline.follow(newSession.supervisor());
        super.setSession(newSession);
    }

    @Override
    List<TopicModel> shown(FarmSession session) {
        return List.of(session.builds());
    }

    /** The farm's builds changed: the graph shown may have too. */
    @Override
    void show() {
        BuildGraphModel current = model;
        if (current != null) {
            current.refresh();
        }
    }

    private void showGraph() {
        BuildGraphModel.Graph shown = graph;
        if (shown == null) {
            return;
        }
        if (shown.layout() != null) {
            canvas.show(shown.layout());
        }
        empty.setText(offline.prefix() + status(shown));
        empty.setToolTipText(empty.getText());
        root.layout(true);
    }

    private static String status(BuildGraphModel.Graph shown) {
        GraphLayout layout = shown.layout();
        if (layout == null) {
            return String.format(Messages.GRAPH_UNAVAILABLE, shown.problem());
        }
        GraphLayout.Node root = layout.root();
        int built = layout.nodes().stream().mapToInt(GraphLayout.Node::builtInputs).sum();
        String text = String.format(Messages.GRAPH_STATUS, root == null ? shown.build() : root.name(),
                layout.nodes().size(), layout.layers(), built, layout.omitted());
        return shown.problem().isEmpty() ? text : text + " " + String.format(Messages.GRAPH_STALE,
                shown.loadedAt() == null ? "" : CLOCK.format(shown.loadedAt()), shown.problem());
    }
}
