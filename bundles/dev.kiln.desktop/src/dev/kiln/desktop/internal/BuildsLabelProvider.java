package dev.kiln.desktop.internal;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.views.BuildColumn;
import dev.kiln.desktop.model.views.Builds;
import dev.kiln.protocol.BuildInfo;

/** The cells of the build table; columns in {@link BuildColumn} order. */
final class BuildsLabelProvider extends LabelProvider implements ITableLabelProvider {

    private final Images images;

    BuildsLabelProvider(Images images) {
        this.images = images;
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return columnIndex == BuildColumn.STATE.ordinal() ? images.of(((BuildInfo) element).state()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        BuildInfo build = (BuildInfo) element;
        return switch (BuildColumn.values()[columnIndex]) {
            case STATE -> build.state().toString();
            case NAME -> Builds.name(build);
            case SYSTEM -> build.system();
            case PRIORITY -> String.valueOf(build.priority());
            case TAGS -> Builds.tagsText(build);
            case CREATED -> Formats.time(build.createdAt());
            case FINISHED -> Formats.time(build.finishedAt());
        };
    }
}
