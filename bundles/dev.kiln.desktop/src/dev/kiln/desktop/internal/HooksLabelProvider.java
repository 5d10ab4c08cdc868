package dev.kiln.desktop.internal;

import java.util.Objects;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.views.Texts;
import dev.kiln.protocol.HookInfo;

/** The cells of the hook table. */
final class HooksLabelProvider extends LabelProvider implements ITableLabelProvider {

    static final String[] COLUMNS = {Messages.COLUMN_HOOK, Messages.COLUMN_BUNDLE, Messages.COLUMN_EVENTS,
        Messages.COLUMN_QUEUED, Messages.COLUMN_FAILURES, Messages.COLUMN_LAST_FAILURE};

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        HookInfo hook = (HookInfo) element;
        return switch (columnIndex) {
            case 0 -> hook.name();
            case 1 -> Objects.toString(hook.bundle(), "");
            case 2 -> String.join(", ", hook.events());
            case 3 -> String.valueOf(Texts.queued(hook));
            case 4 -> String.valueOf(hook.failures());
            case 5 -> Objects.toString(hook.lastFailure(), "");
            default -> "";
        };
    }
}
