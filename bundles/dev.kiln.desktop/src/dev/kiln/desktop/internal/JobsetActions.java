package dev.kiln.desktop.internal;

import java.util.function.Consumer;

import org.eclipse.jface.action.IAction;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;

import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.JobsetRow;
import dev.kiln.protocol.JobsetInfo;

/** The actions on jobsets and evaluations, run through the session like every other action. */
final class JobsetActions {

    private final MainActions.Context context;
    private final MainActions main;
    private final IAction add;
    private final IAction change;
    private final IAction enable;
    private final IAction disable;
    private final IAction evaluate;
    private final IAction remove;
    private final IAction cancelEvaluation;

    JobsetActions(MainActions.Context context, MainActions main) {
        this.context = context;
        this.main = main;
        add = MainActions.action(Messages.ACTION_ADD_JOBSET, SWT.MOD1 | SWT.SHIFT | 'J', () -> openDialog(null));
        change = MainActions.action(Messages.ACTION_CHANGE_JOBSET, 0, () -> onJobset(row -> openDialog(row.jobset())));
        enable = MainActions.action(Messages.ACTION_ENABLE_JOBSET, 0, () -> setEnabled(true));
        disable = MainActions.action(Messages.ACTION_DISABLE_JOBSET, 0, () -> setEnabled(false));
        evaluate = MainActions.action(Messages.ACTION_EVALUATE, SWT.MOD1 | 'E', this::evaluateSelected);
        remove = MainActions.action(Messages.ACTION_REMOVE_JOBSET, 0, this::confirmAndRemove);
        cancelEvaluation = MainActions.action(Messages.ACTION_CANCEL_EVALUATION, 0, this::confirmAndCancelEvaluation);
    }

    IAction add() {
        return add;
    }

    IAction change() {
        return change;
    }

    IAction enable() {
        return enable;
    }

    IAction disable() {
        return disable;
    }

    IAction evaluate() {
        return evaluate;
    }

    IAction remove() {
        return remove;
    }

    IAction cancelEvaluation() {
        return cancelEvaluation;
    }

    private void openDialog(JobsetInfo initial) {
        FarmSession session = main.connected();
        if (session == null) {
            return;
        }
        JobsetDialog dialog = new JobsetDialog(context.shell(), initial);
        if (dialog.open() != Window.OK) {
            return;
        }
        String name = initial == null ? Messages.ACTION_ADD_JOBSET : Messages.ACTION_CHANGE_JOBSET;
        main.report(name, initial == null ? session.jobsetCommands().add(dialog.result())
                : session.jobsetCommands().change(dialog.result()),
                done -> done(name, done.name()));
    }

    private void setEnabled(boolean enabled) {
        String name = enabled ? Messages.ACTION_ENABLE_JOBSET : Messages.ACTION_DISABLE_JOBSET;
        onJobset(row -> main.report(name, session().jobsetCommands().setEnabled(row.name(), enabled),
                done -> done(name, done.name())));
    }

    private void evaluateSelected() {
        onJobset(row -> main.report(Messages.ACTION_EVALUATE, session().jobsetCommands().evaluate(row.name()),
                done -> done(Messages.ACTION_EVALUATE, row.name())));
    }

    private void confirmAndRemove() {
        onJobset(row -> {
            if (MessageDialog.openConfirm(context.shell(), MainActions.clean(Messages.ACTION_REMOVE_JOBSET),
                    String.format(Messages.REMOVE_JOBSET_CONFIRM, row.name()))) {
                main.report(Messages.ACTION_REMOVE_JOBSET, session().jobsetCommands().remove(row.name()),
                        done -> done(Messages.ACTION_REMOVE_JOBSET, row.name()));
            }
        });
    }

    private void confirmAndCancelEvaluation() {
        onSelected(context.selectedEvaluation(), Messages.NO_EVALUATION_SELECTED, evaluation -> {
            if (MessageDialog.openConfirm(context.shell(), MainActions.clean(Messages.ACTION_CANCEL_EVALUATION),
                    String.format(Messages.CANCEL_EVALUATION_CONFIRM, evaluation.id()))) {
                main.report(Messages.ACTION_CANCEL_EVALUATION, session().jobsetCommands().cancelEvaluation(evaluation.id()),
                        count -> context.status(String.format(Messages.CANCEL_EVALUATION_DONE, count,
                                evaluation.id())));
            }
        });
    }

    private void onJobset(Consumer<JobsetRow> action) {
        onSelected(context.selectedJobset(), Messages.NO_JOBSET_SELECTED, action);
    }

    /** Runs {@code action} on what is selected when a session is connected, or says what is missing. */
    private <T> void onSelected(T selected, String nothingSelected, Consumer<T> action) {
        if (main.connected() == null) {
            return;
        }
        if (selected == null) {
            context.status(nothingSelected);
            return;
        }
        action.accept(selected);
    }

    private FarmSession session() {
        return context.sessions().active();
    }

    private void done(String action, String jobset) {
        context.status(MainActions.clean(action) + ": " + jobset);
    }
}
