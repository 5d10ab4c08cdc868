package dev.kiln.desktop.internal;

import java.util.List;

import org.eclipse.jface.action.IAction;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;

import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.TopicModel;

/**
 * A tab showing one part of the session (agents, plan, hooks): a bar of buttons and a line saying when there is
 * nothing to show, above a viewer; redrawn on the display thread when one of the models it shows changed.
 */
abstract class SessionView {

    final Composite root;
    final Label empty;
    private final int columns;
    private final UiUpdates updates;
    private volatile FarmSession session;

    /** @param buttons the actions of the bar's buttons, in order */
    SessionView(Composite parent, IAction... buttons) {
        columns = buttons.length + 1;
        root = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(6, 6).numColumns(columns).applyTo(root);
        for (IAction action : buttons) {
            TableViews.button(root, action.getText(), action::run);
        }
        empty = new Label(root, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(empty);
        updates = new UiUpdates(root, this::show);
    }

    /** Places the viewer's control under the bar, taking the rest of the tab. */
    void fill(Control viewer) {
        GridDataFactory.fillDefaults().span(columns, 1).grab(true, true).applyTo(viewer);
    }

    Control control() {
        return root;
    }

    /** The session shown, or {@code null} before the first connection; any thread. */
    FarmSession session() {
        return session;
    }

    void setSession(FarmSession newSession) {
        session = newSession;
        for (TopicModel model : shown(newSession)) {
            model.addListener(updates::request);
        }
        updates.request();
    }

    /** The models of the session this tab shows. */
    abstract List<TopicModel> shown(FarmSession session);

    /** Shows the session's current state; display thread. */
    abstract void show();
}
