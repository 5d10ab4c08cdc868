package dev.kiln.desktop.internal;

import java.util.function.Supplier;

import org.eclipse.jface.viewers.ILazyContentProvider;
import org.eclipse.jface.viewers.TableViewer;

import dev.kiln.desktop.model.views.BuildRows;
import dev.kiln.protocol.BuildInfo;

/**
 * Gives the virtual build table the rows it asks for; a row not read yet stays blank until the list says it arrived.
 */
final class BuildsContentProvider implements ILazyContentProvider {

    private final TableViewer viewer;
    private final Supplier<BuildRows> rows;

    BuildsContentProvider(TableViewer viewer, Supplier<BuildRows> rows) {
        this.viewer = viewer;
        this.rows = rows;
    }

    @Override
    public void updateElement(int index) {
        BuildInfo build = rows.get().row(index);
        if (build != null) {
            viewer.replace(build, index);
        }
    }
}
