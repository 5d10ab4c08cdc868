package dev.kiln.desktop.internal;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.views.DurationText;
import dev.kiln.desktop.model.views.JobsetRow;
import dev.kiln.desktop.model.views.Texts;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.JobsetInfo;

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
        EvaluationInfo last = ((JobsetRow) element).lastEvaluation();
        return columnIndex == 8 && last != null ? images.of(last.status()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        JobsetRow row = (JobsetRow) element;
        JobsetInfo jobset = row.jobset();
        EvaluationInfo last = row.lastEvaluation();
        return switch (columnIndex) {
            case 0 -> jobset.name();
            case 1 -> Texts.channels(jobset.channels());
            case 2 -> jobset.evaluationCommand();
            case 3 -> jobset.periodSeconds() == 0 ? Messages.ON_DEMAND : DurationText.of(jobset.periodSeconds());
            case 4 -> String.valueOf(jobset.priority());
            case 5 -> Texts.tags(jobset.tags());
            case 6 -> Texts.enabled(jobset) ? Messages.YES : Messages.NO;
            case 7 -> last == null ? Messages.NEVER : "#" + last.id() + "  " + Formats.time(last.startedAt());
            case 8 -> last == null ? "" : EvaluationsLabelProvider.outcome(last);
            default -> "";
        };
    }
}
