package dev.kiln.desktop.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;

import dev.kiln.desktop.model.Agent;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.Topic;

/** The allocation plan: for each agent, the builds it may take next, best first. */
final class PlanView {

    private final Composite root;
    private final TreeViewer viewer;
    private final Label empty;
    private final UiUpdates updates;
    private volatile FarmSession session;

    PlanView(Composite parent) {
        root = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(6, 6).applyTo(root);
        empty = new Label(root, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(empty);
        viewer = new TreeViewer(root, SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(viewer.getTree(), WidgetIds.PLAN_TREE);
        TableViews.columns(viewer.getTree(), new String[] {Messages.COLUMN_PLAN, Messages.COLUMN_PRIORITY},
                new int[] {640, 160});
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getTree());
        viewer.setContentProvider(new PlanContentProvider());
        viewer.setLabelProvider(new PlanLabelProvider(this::agentNames));
        viewer.setInput(List.of());
        updates = new UiUpdates(root, this::show);
    }

    Control control() {
        return root;
    }

    void setSession(FarmSession newSession) {
        session = newSession;
        newSession.addListener(topic -> {
            if (topic == Topic.PLAN || topic == Topic.AGENTS) {
                updates.request();
            }
        });
        updates.request();
    }

    private Map<UUID, String> agentNames() {
        FarmSession current = session;
        return current == null ? Map.of()
                : current.agents().stream().collect(Collectors.toMap(Agent::id, Agent::name, (a, b) -> a));
    }

    private void show() {
        FarmSession current = session;
        Object[] expanded = viewer.getExpandedElements();
        viewer.setInput(current == null ? List.of() : current.plan());
        viewer.setExpandedElements(expanded);
        empty.setText(current == null || current.plan().stream().allMatch(p -> p.builds().isEmpty())
                ? Messages.PLAN_EMPTY : "");
    }
}
