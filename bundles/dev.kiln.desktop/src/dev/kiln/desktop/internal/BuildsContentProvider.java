package dev.kiln.desktop.internal;

import java.util.function.Supplier;

import org.eclipse.jface.viewers.ILazyContentProvider;
import org.eclipse.jface.viewers.TableViewer;

import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.views.BuildListModel.Rows;

/** Gives the virtual build table the rows it asks for, from the list model's latest computation. */
final class BuildsContentProvider implements ILazyContentProvider {

    private final TableViewer viewer;
    private final Supplier<Rows> rows;

    BuildsContentProvider(TableViewer viewer, Supplier<Rows> rows) {
        this.viewer = viewer;
        this.rows = rows;
    }

    @Override
    public void updateElement(int index) {
        Build build = rows.get().row(index);
        if (build != null) {
            viewer.replace(build, index);
        }
    }
}
