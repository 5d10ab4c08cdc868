package dev.kiln.desktop.internal;

import java.util.List;
import java.util.UUID;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;

import dev.kiln.desktop.model.Agent;
import dev.kiln.desktop.model.views.AgentRow;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.Topic;

/** The agents: status, systems, tags, running builds, last seen, load; actions are in the main window. */
final class AgentsView {

    private final Composite root;
    private final TableViewer viewer;
    private final Label empty;
    private final UiUpdates updates;
    private volatile FarmSession session;

    AgentsView(Composite parent, Images images, MainActions actions) {
        root = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(6, 6).numColumns(5).applyTo(root);
        TableViews.button(root, Messages.ACTION_NEW_AGENT, actions.newAgent()::run);
        TableViews.button(root, Messages.ACTION_NEW_PASSWORD, actions.newPassword()::run);
        TableViews.button(root, Messages.ACTION_ACTIVATE, actions.activate()::run);
        TableViews.button(root, Messages.ACTION_DEACTIVATE, actions.deactivate()::run);
        empty = new Label(root, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(empty);
        viewer = new TableViewer(root, SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(viewer.getTable(), WidgetIds.AGENTS_TABLE);
        TableViews.columns(viewer.getTable(), AgentsLabelProvider.COLUMNS, 140);
        GridDataFactory.fillDefaults().span(5, 1).grab(true, true).applyTo(viewer.getTable());
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.setLabelProvider(new AgentsLabelProvider(images));
        viewer.setInput(List.of());
        updates = new UiUpdates(root, this::show);
    }

    Control control() {
        return root;
    }

    void setSession(FarmSession newSession) {
        session = newSession;
        newSession.addListener(topic -> {
            if (topic == Topic.AGENTS || topic == Topic.BUILDS) {
                updates.request();
            }
        });
        updates.request();
    }

    /** The ids of the selected agents; display thread. */
    List<UUID> selection() {
        return viewer.getStructuredSelection().stream().map(row -> ((AgentRow) row).agent().id()).toList();
    }

    /** The selected agents; display thread. */
    List<Agent> selectedAgents() {
        return viewer.getStructuredSelection().stream().map(row -> ((AgentRow) row).agent()).toList();
    }

    private void show() {
        FarmSession current = session;
        List<AgentRow> rows = current == null ? List.of()
                : AgentRow.of(current.agents(), current.builds().snapshot());
        List<UUID> selected = selection();
        viewer.setInput(rows);
        viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(
                rows.stream().filter(row -> selected.contains(row.agent().id())).toList()));
        empty.setText(rows.isEmpty() ? Messages.AGENTS_EMPTY : "");
    }
}
