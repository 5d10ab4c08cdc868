package dev.kiln.desktop.internal;

import java.util.List;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;

import dev.kiln.desktop.model.Hook;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.Topic;

/** The hooks with their queues and failures; install and remove hook bundles. */
final class HooksView {

    private final Composite root;
    private final TableViewer viewer;
    private final Label empty;
    private final UiUpdates updates;
    private volatile FarmSession session;

    HooksView(Composite parent, MainActions actions) {
        root = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(6, 6).numColumns(3).applyTo(root);
        TableViews.button(root, Messages.ACTION_INSTALL_HOOK, actions.installHook()::run);
        TableViews.button(root, Messages.ACTION_REMOVE_HOOK, actions.removeHook()::run);
        empty = new Label(root, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(empty);
        viewer = new TableViewer(root, SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(viewer.getTable(), WidgetIds.HOOKS_TABLE);
        TableViews.columns(viewer.getTable(), HooksLabelProvider.COLUMNS, 150);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, true).applyTo(viewer.getTable());
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.setLabelProvider(new HooksLabelProvider());
        viewer.setInput(List.of());
        updates = new UiUpdates(root, this::show);
    }

    Control control() {
        return root;
    }

    void setSession(FarmSession newSession) {
        session = newSession;
        newSession.addListener(topic -> {
            if (topic == Topic.HOOKS) {
                updates.request();
            }
        });
        updates.request();
    }

    /** The selected hook, or {@code null}; display thread. */
    Hook selected() {
        return (Hook) viewer.getStructuredSelection().getFirstElement();
    }

    private void show() {
        FarmSession current = session;
        List<Hook> hooks = current == null ? List.of() : current.hooks();
        viewer.setInput(hooks);
        empty.setText(hooks.isEmpty() ? Messages.HOOKS_EMPTY : "");
    }
}
