package dev.kiln.desktop.internal;

import java.util.List;
import java.util.Objects;

import org.eclipse.jface.action.IAction;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

import dev.kiln.desktop.model.views.EvaluationsModel.Evaluations;
import dev.kiln.desktop.model.views.EvaluationsModel;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.JobsetRow;
import dev.kiln.desktop.model.views.TopicModel;
import dev.kiln.protocol.EvaluationInfo;

/**
 * The jobsets with their latest evaluation; below, the evaluations of the selected jobset with their builds by
 * outcome, and the log of the selected evaluation. Actions are in the main window.
 */
final class JobsetsView extends SessionView {

    private final TableViewer jobsets;
    private final Label evaluationsTitle;
    private final TableViewer evaluations;
    private final Text log;
    private volatile EvaluationsModel model;
    /** The evaluation whose log was asked for last (display thread); a late answer for another is dropped. */
    private long logShown = -1;

    JobsetsView(Composite parent, Images images, MainActions actions) {
        super(parent, actions.jobsets().add(), actions.jobsets().change(),
                actions.jobsets().enable(), actions.jobsets().disable(), actions.jobsets().evaluate(),
                actions.jobsets().remove());
        WidgetIds.name(empty, WidgetIds.JOBSETS_EMPTY);
        SashForm sash = new SashForm(root, SWT.VERTICAL);
        fill(sash);

        jobsets = new TableViewer(sash, SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(jobsets.getTable(), WidgetIds.JOBSETS_TABLE);
        TableViews.columns(jobsets.getTable(), JobsetsLabelProvider.COLUMNS, JobsetsLabelProvider.WIDTHS);
        jobsets.setContentProvider(ArrayContentProvider.getInstance());
        jobsets.setLabelProvider(new JobsetsLabelProvider(images));
        jobsets.setInput(List.of());

        Composite below = new Composite(sash, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(below);
        evaluationsTitle = WidgetIds.name(new Label(below, SWT.NONE), WidgetIds.EVALUATIONS_TITLE);
        evaluationsTitle.setText(Messages.EVALUATIONS_NONE);
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(evaluationsTitle);
        IAction cancel = actions.jobsets().cancelEvaluation();
        TableViews.button(below, cancel.getText(), cancel::run);
        evaluations = new TableViewer(below, SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        WidgetIds.name(evaluations.getTable(), WidgetIds.EVALUATIONS_TABLE);
        TableViews.columns(evaluations.getTable(), EvaluationsLabelProvider.COLUMNS, EvaluationsLabelProvider.WIDTHS);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, true).applyTo(evaluations.getTable());
        evaluations.setContentProvider(ArrayContentProvider.getInstance());
        evaluations.setLabelProvider(new EvaluationsLabelProvider(images));
        evaluations.setInput(List.of());

        log = WidgetIds.name(new Text(sash, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER),
                WidgetIds.EVALUATION_LOG);
        log.setFont(JFaceResources.getTextFont());
        log.setText(Messages.EVALUATION_LOG_NONE);
        sash.setWeights(40, 40, 20);

        jobsets.addSelectionChangedListener(e -> showEvaluationsOfSelected());
        evaluations.addSelectionChangedListener(e -> showLogOfSelected());
    }

    /** The selected jobset, or {@code null}; display thread. */
    JobsetRow selected() {
        return (JobsetRow) jobsets.getStructuredSelection().getFirstElement();
    }

    /** The selected evaluation, or {@code null}; display thread. */
    EvaluationInfo selectedEvaluation() {
        return (EvaluationInfo) evaluations.getStructuredSelection().getFirstElement();
    }

    @Override
    void setSession(FarmSession newSession) {
        model = newSession.evaluations(loaded -> UiUpdates.run(root, () -> showEvaluations(loaded)));
        super.setSession(newSession);
    }

    @Override
    List<TopicModel> shown(FarmSession session) {
        return List.of(session.jobsets());
    }

    @Override
    void show() {
        FarmSession current = session();
        List<JobsetRow> rows = current == null ? List.of() : current.jobsets().jobsets();
        JobsetRow selected = selected();
        jobsets.setInput(rows);
        rows.stream().filter(row -> selected != null && row.name().equals(selected.name())).findFirst()
                .ifPresent(row -> jobsets.setSelection(new StructuredSelection(row)));
        String problem = current == null ? "" : current.jobsets().problem();
        empty.setText(!problem.isEmpty() ? String.format(Messages.JOBSETS_UNAVAILABLE, problem)
                : rows.isEmpty() ? Messages.JOBSETS_EMPTY : "");
        root.layout(true);
        if (model != null) {
            model.refresh();
        }
    }

    private void showEvaluationsOfSelected() {
        JobsetRow selected = selected();
        String name = selected == null ? null : selected.name();
        if (model != null && !Objects.equals(name, model.selected())) {
            evaluations.setInput(List.of());
            model.show(name);
        }
    }

    private void showEvaluations(Evaluations loaded) {
        if (!Objects.equals(loaded.jobset(), model.selected())) {
            return;
        }
        EvaluationInfo selected = selectedEvaluation();
        evaluations.setInput(loaded.evaluations());
        loaded.evaluations().stream().filter(e -> selected != null && e.id() == selected.id()).findFirst()
                .ifPresent(e -> evaluations.setSelection(new StructuredSelection(e)));
        if (loaded.jobset() == null) {
            evaluationsTitle.setText(Messages.EVALUATIONS_NONE);
        } else if (!loaded.problem().isEmpty()) {
            evaluationsTitle.setText(String.format(Messages.EVALUATIONS_FAILED, loaded.jobset(), loaded.problem()));
        } else if (loaded.evaluations().isEmpty()) {
            evaluationsTitle.setText(String.format(Messages.EVALUATIONS_EMPTY, loaded.jobset()));
        } else {
            evaluationsTitle.setText(String.format(Messages.EVALUATIONS_OF, loaded.jobset(),
                    EvaluationsModel.SUMMARIZED));
        }
        showLogOfSelected();
    }

    private void showLogOfSelected() {
        EvaluationInfo evaluation = selectedEvaluation();
        FarmSession current = session();
        if (evaluation == null || current == null) {
            logShown = -1;
            log.setText(Messages.EVALUATION_LOG_NONE);
            return;
        }
        long id = evaluation.id();
        boolean again = id == logShown;
        logShown = id;
        if (again && evaluation.finishedAt() != null && !log.getText().equals(Messages.EVALUATION_LOG_NONE)) {
            return;
        }
        model.log(id).whenComplete((text, failure) ->
                UiUpdates.run(log, () -> {
                    if (logShown == id) {
                        log.setText(failure != null ? String.format(Messages.EVALUATION_LOG_FAILED,
                                failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage())
                                : text.isEmpty() ? Messages.EVALUATION_LOG_EMPTY : text);
                    }
                }));
    }
}
