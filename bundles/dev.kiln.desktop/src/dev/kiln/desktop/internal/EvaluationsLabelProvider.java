package dev.kiln.desktop.internal;

import java.util.Objects;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.views.Texts;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.EvaluationStatus;
import dev.kiln.protocol.EvaluationSummaryInfo;

/** The cells of the evaluation table: when, what, and its builds by outcome when the summary was read. */
final class EvaluationsLabelProvider extends LabelProvider implements ITableLabelProvider {

    static final String[] COLUMNS = {Messages.COLUMN_EVALUATION, Messages.COLUMN_COMMITS, Messages.COLUMN_STARTED,
        Messages.COLUMN_FINISHED, Messages.COLUMN_STATUS, Messages.COLUMN_DERIVATIONS, Messages.COLUMN_SUBMITTED,
        Messages.COLUMN_SUCCEEDED, Messages.COLUMN_FAILED, Messages.COLUMN_PENDING, Messages.COLUMN_CANCELED,
        Messages.COLUMN_NEWLY_FAILING, Messages.COLUMN_ERROR};
    static final int[] WIDTHS = {85, 150, 145, 145, 100, 90, 55, 85, 55, 70, 75, 100, 250};

    private final Images images;

    EvaluationsLabelProvider(Images images) {
        this.images = images;
    }

    /** The status, with the derivations found and builds submitted once it ended, or its error. */
    static String outcome(EvaluationInfo evaluation) {
        return switch (evaluation.status()) {
            case RUNNING -> EvaluationStatus.RUNNING + "…";
            case SUCCEEDED -> String.format("%s · %d derivations, %d builds", evaluation.status(),
                    evaluation.derivationsFound(), evaluation.buildsSubmitted());
            case FAILED -> evaluation.status() + " · " + Objects.toString(evaluation.error(), "");
        };
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return columnIndex == 4 ? images.of(((EvaluationInfo) element).status()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        EvaluationInfo evaluation = (EvaluationInfo) element;
        EvaluationSummaryInfo summary = evaluation.summary();
        return switch (columnIndex) {
            case 0 -> "#" + evaluation.id();
            case 1 -> Texts.commits(evaluation.commits());
            case 2 -> Formats.time(evaluation.startedAt());
            case 3 -> Formats.time(evaluation.finishedAt());
            case 4 -> evaluation.status().toString();
            case 5 -> String.valueOf(evaluation.derivationsFound());
            case 6 -> String.valueOf(evaluation.buildsSubmitted());
            case 7 -> summary == null ? "" : String.valueOf(summary.succeeded());
            case 8 -> summary == null ? "" : String.valueOf(summary.failed());
            case 9 -> summary == null ? "" : String.valueOf(summary.pending());
            case 10 -> summary == null ? "" : String.valueOf(summary.canceled());
            case 11 -> summary == null ? "" : String.valueOf(summary.newlyFailing());
            case 12 -> Objects.toString(evaluation.error(), "");
            default -> "";
        };
    }
}
