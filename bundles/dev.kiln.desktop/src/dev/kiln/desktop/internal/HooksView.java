package dev.kiln.desktop.internal;

import java.util.List;

import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;

import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.TopicModel;
import dev.kiln.protocol.HookInfo;

/** The hooks with their queues and failures; install and remove hook bundles. */
final class HooksView extends SessionView {

    private final TableViewer viewer;

    HooksView(Composite parent, MainActions actions) {
        super(parent, actions.installHook(), actions.removeHook());
        viewer = new TableViewer(root, SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(viewer.getTable(), WidgetIds.HOOKS_TABLE);
        TableViews.columns(viewer.getTable(), HooksLabelProvider.COLUMNS, 150);
        fill(viewer.getTable());
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.setLabelProvider(new HooksLabelProvider());
        viewer.setInput(List.of());
    }

    /** The selected hook, or {@code null}; display thread. */
    HookInfo selected() {
        return (HookInfo) viewer.getStructuredSelection().getFirstElement();
    }

    @Override
    List<TopicModel> shown(FarmSession session) {
        return List.of(session.hooks());
    }

    @Override
    void show() {
        FarmSession current = session();
        List<HookInfo> hooks = current == null ? List.of() : current.hooks().hooks();
        viewer.setInput(hooks);
        empty.setText(hooks.isEmpty() ? Messages.HOOKS_EMPTY : "");
    }
}
