package dev.kiln.desktop.internal;

import java.util.List;
import java.util.UUID;

import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;

import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.TopicModel;
import dev.kiln.protocol.AgentInfo;

/** The agents: status, systems, tags, running builds, last seen, load; actions are in the main window. */
final class AgentsView extends SessionView {

    private final TableViewer viewer;

    AgentsView(Composite parent, Images images, MainActions actions) {
        super(parent, actions.newAgent(), actions.newPassword(),
                actions.activate(), actions.deactivate());
        viewer = new TableViewer(root, SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(viewer.getTable(), WidgetIds.AGENTS_TABLE);
        TableViews.columns(viewer.getTable(), AgentsLabelProvider.COLUMNS, 140);
        fill(viewer.getTable());
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.setLabelProvider(new AgentsLabelProvider(images));
        viewer.setInput(List.of());
    }

    /** The ids of the selected agents; display thread. */
    List<UUID> selection() {
        return selectedAgents().stream().map(AgentInfo::id).toList();
    }

    /** The selected agents; display thread. */
    List<AgentInfo> selectedAgents() {
        return viewer.getStructuredSelection().stream().map(AgentInfo.class::cast).toList();
    }

    @Override
    List<TopicModel> shown(FarmSession session) {
        return List.of(session.agents());
    }

    @Override
    void show() {
        FarmSession current = session();
        List<AgentInfo> rows = current == null ? List.of() : current.agents().agents();
        List<UUID> selected = selection();
        viewer.setInput(rows);
        viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(
                rows.stream().filter(agent -> selected.contains(agent.id())).toList()));
        empty.setText(rows.isEmpty() ? Messages.AGENTS_EMPTY : "");
    }
}
