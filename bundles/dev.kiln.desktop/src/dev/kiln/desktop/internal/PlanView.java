package dev.kiln.desktop.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;

import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.TopicModel;
import dev.kiln.protocol.AgentInfo;

/** The allocation plan: for each agent, the builds it may take next, best first. */
final class PlanView extends SessionView {

    private final TreeViewer viewer;

    PlanView(Composite parent) {
        super(parent);
        viewer = new TreeViewer(root, SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(viewer.getTree(), WidgetIds.PLAN_TREE);
        TableViews.columns(viewer.getTree(), new String[] {Messages.COLUMN_PLAN, Messages.COLUMN_PRIORITY},
                new int[] {640, 160});
        fill(viewer.getTree());
        viewer.setContentProvider(new PlanContentProvider());
        viewer.setLabelProvider(new PlanLabelProvider(this::agentNames));
        viewer.setInput(List.of());
    }

    private Map<UUID, String> agentNames() {
        FarmSession current = session();
        return current == null ? Map.of()
                : current.agents().agents().stream().collect(Collectors.toMap(AgentInfo::id, AgentInfo::name, (a, b) -> a));
    }

    @Override
    List<TopicModel> shown(FarmSession session) {
        return List.of(session.agents());
    }

    @Override
    void show() {
        FarmSession current = session();
        Object[] expanded = viewer.getExpandedElements();
        viewer.setInput(current == null ? List.of() : current.agents().plan());
        viewer.setExpandedElements(expanded);
        empty.setText(current == null || current.agents().plan().stream().allMatch(p -> p.builds().isEmpty())
                ? Messages.PLAN_EMPTY : "");
    }
}
