package dev.kiln.desktop.internal;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.views.BuildColumn;

/** The cells of the build table; columns in {@link BuildColumn} order. */
final class BuildsLabelProvider extends LabelProvider implements ITableLabelProvider {

    private final Images images;

    BuildsLabelProvider(Images images) {
        this.images = images;
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return columnIndex == BuildColumn.STATE.ordinal() ? images.of(((Build) element).state()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        Build build = (Build) element;
        return switch (BuildColumn.values()[columnIndex]) {
            case STATE -> build.state().id();
            case NAME -> build.name();
            case SYSTEM -> build.system();
            case PRIORITY -> String.valueOf(build.priority());
            case TAGS -> build.tagsText();
            case CREATED -> Formats.time(build.createdAt());
            case FINISHED -> Formats.time(build.finishedAt());
        };
    }
}
