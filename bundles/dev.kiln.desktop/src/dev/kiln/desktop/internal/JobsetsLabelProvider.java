package dev.kiln.desktop.internal;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.Evaluation;
import dev.kiln.desktop.model.Jobset;
import dev.kiln.desktop.model.views.DurationText;
import dev.kiln.desktop.model.views.JobsetRow;

/** The cells of the jobset table: its definition, then its latest evaluation. */
final class JobsetsLabelProvider extends LabelProvider implements ITableLabelProvider {

    static final String[] COLUMNS = {Messages.COLUMN_JOBSET, Messages.COLUMN_CHANNELS, Messages.COLUMN_COMMAND,
        Messages.COLUMN_PERIOD, Messages.COLUMN_PRIORITY, Messages.COLUMN_TAGS, Messages.COLUMN_ENABLED,
        Messages.COLUMN_LAST_EVALUATION, Messages.COLUMN_STATUS};
    static final int[] WIDTHS = {110, 230, 170, 80, 60, 110, 65, 170, 200};

    private final Images images;

    JobsetsLabelProvider(Images images) {
        this.images = images;
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        Evaluation last = ((JobsetRow) element).lastEvaluation();
        return columnIndex == 8 && last != null ? images.of(last.status()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        JobsetRow row = (JobsetRow) element;
        Jobset jobset = row.jobset();
        Evaluation last = row.lastEvaluation();
        return switch (columnIndex) {
            case 0 -> jobset.name();
            case 1 -> jobset.channelsText();
            case 2 -> jobset.evaluationCommand();
            case 3 -> jobset.period().isZero() ? Messages.ON_DEMAND : DurationText.of(jobset.period().toSeconds());
            case 4 -> String.valueOf(jobset.priority());
            case 5 -> jobset.tagsText();
            case 6 -> jobset.enabled() ? Messages.YES : Messages.NO;
            case 7 -> last == null ? Messages.NEVER : "#" + last.id() + "  " + Formats.time(last.startedAt());
            case 8 -> last == null ? "" : EvaluationsLabelProvider.outcome(last);
            default -> "";
        };
    }
}
