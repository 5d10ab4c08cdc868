package dev.kiln.desktop.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.dialogs.InputDialog;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Shell;

import dev.kiln.desktop.model.views.ActionResult;
import dev.kiln.desktop.model.views.BuildGraphModel;
import dev.kiln.desktop.model.views.DesktopSessions;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.GraphLayout;
import dev.kiln.desktop.model.views.Inputs;
import dev.kiln.desktop.model.views.JobsetRow;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.HookInfo;

/**
 * The operator's actions, with their shortcuts. Each one asks what it needs on the display thread, runs the calls in
 * the background through the session, and reports the outcome in the status line or a dialog.
 */
final class MainActions {

    /** What the actions act on, provided by the main window; display thread. */
    interface Context {
        Shell shell();

        DesktopSessions sessions();

        List<BuildInfo> selectedBuilds();

        List<AgentInfo> selectedAgents();

        HookInfo selectedHook();

        JobsetRow selectedJobset();

        EvaluationInfo selectedEvaluation();

        void status(String message);

        void focusSearch();

        void showTab(int index);

        /** Shows the build in the build list and its details. */
        void openBuild(UUID build);

        /** The build an action on "the build" means: the derivation selected in the graph, the bar in the timeline,
         * else the first build selected in the list; {@code null} for none. */
        UUID focusedBuild();

        /** Shows the graph of {@code build} in the graph tab. */
        void showGraph(UUID build);

        /** The graph shown, or {@code null}. */
        GraphLayout graphLayout();

        /** The derivation selected in the graph, or {@code null}. */
        GraphLayout.Node selectedGraphNode();

        /** Zooms the timeline out ({@code +1}) or in ({@code -1}). */
        void zoomTimeline(int direction);
    }

    private final Context context;
    private final IAction connect;
    private final IAction reconnect;
    private final IAction submit;
    private final IAction cancel;
    private final IAction retry;
    private final IAction priority;
    private final IAction tag;
    private final IAction find;
    private final IAction newAgent;
    private final IAction newPassword;
    private final IAction activate;
    private final IAction deactivate;
    private final IAction installHook;
    private final IAction removeHook;
    private final IAction zoomIn;
    private final IAction showGraph;
    private final IAction retryWithDependents;
    private final IAction cancelSubgraph;
    private final IAction raiseInputs;
    private final IAction openGraphBuild;
    private final IAction zoomOut;
    private final JobsetActions jobsets;

    MainActions(Context context) {
        this.context = context;
        connect = action(Messages.ACTION_CONNECT, SWT.MOD1 | 'O', this::openConnectDialog);
        reconnect = action(Messages.ACTION_RECONNECT, SWT.F5, this::reconnectActive);
        submit = action(Messages.ACTION_SUBMIT, SWT.MOD1 | 'N', this::openSubmitDialog);
        cancel = action(Messages.ACTION_CANCEL, SWT.MOD1 | 'K', () -> onBuilds(Messages.ACTION_CANCEL,
                (session, ids) -> session.buildCommands().cancel(ids)));
        retry = action(Messages.ACTION_RETRY, SWT.MOD1 | 'R', () -> onBuilds(Messages.ACTION_RETRY,
                (session, ids) -> session.buildCommands().retry(ids)));
        priority = action(Messages.ACTION_PRIORITY, SWT.MOD1 | 'P', this::changePriority);
        tag = action(Messages.ACTION_TAG, SWT.MOD1 | 'T', this::tagSelected);
        find = action(Messages.ACTION_FIND, SWT.MOD1 | 'F', () -> {
            context.showTab(1);
            context.focusSearch();
        });
        newAgent = action(Messages.ACTION_NEW_AGENT, SWT.MOD1 | SWT.SHIFT | 'N', this::openNewAgentDialog);
        newPassword = action(Messages.ACTION_NEW_PASSWORD, 0, this::giveNewPassword);
        activate = action(Messages.ACTION_ACTIVATE, 0, () -> setActive(true));
        deactivate = action(Messages.ACTION_DEACTIVATE, 0, () -> setActive(false));
        installHook = action(Messages.ACTION_INSTALL_HOOK, 0, this::pickAndInstallHook);
        removeHook = action(Messages.ACTION_REMOVE_HOOK, 0, this::confirmAndRemoveHook);
        jobsets = new JobsetActions(context, this);
        zoomIn = action(Messages.ACTION_ZOOM_IN, SWT.MOD1 | '=', () -> context.zoomTimeline(-1));
        zoomOut = action(Messages.ACTION_ZOOM_OUT, SWT.MOD1 | '-', () -> context.zoomTimeline(1));
        showGraph = action(Messages.ACTION_SHOW_GRAPH, SWT.MOD1 | 'G', () -> {
            UUID build = context.focusedBuild();
            if (build == null) {
                context.status(Messages.NOTHING_SELECTED);
            } else {
                context.showGraph(build);
            }
        });
        retryWithDependents = action(Messages.ACTION_RETRY_WITH_DEPENDENTS, SWT.MOD1 | SWT.SHIFT | 'R',
                this::retryFailedWithDependents);
        cancelSubgraph = action(Messages.ACTION_CANCEL_SUBGRAPH, SWT.MOD1 | SWT.SHIFT | 'K', this::confirmAndCancelSubgraph);
        raiseInputs = action(Messages.ACTION_RAISE_INPUTS, SWT.MOD1 | SWT.SHIFT | 'P', this::askAndRaiseInputs);
        openGraphBuild = action(Messages.ACTION_OPEN_BUILD, 0, () -> {
            GraphLayout.Node node = context.selectedGraphNode();
            if (node != null && node.build() != null) {
                context.openBuild(node.build());
            }
        });
    }

    IAction showGraph() {
        return showGraph;
    }

    IAction retryWithDependents() {
        return retryWithDependents;
    }

    IAction cancelSubgraph() {
        return cancelSubgraph;
    }

    IAction raiseInputs() {
        return raiseInputs;
    }

    IAction openGraphBuild() {
        return openGraphBuild;
    }

    /** Retries the failed derivation selected, else the failed inputs on the blocking path, with their dependents. */
    private void retryFailedWithDependents() {
        FarmSession session = connected();
        GraphLayout layout = context.graphLayout();
        if (session == null) {
            return;
        }
        if (layout == null) {
            context.status(Messages.NOTHING_IN_GRAPH);
            return;
        }
        List<UUID> targets = BuildGraphModel.retryTargets(layout, context.selectedGraphNode());
        if (targets.isEmpty()) {
            context.status(Messages.NOTHING_TO_RETRY);
            return;
        }
        String name = Messages.ACTION_RETRY_WITH_DEPENDENTS;
        report(name, session.buildCommands().retry(targets), result -> reportResult(name, result));
    }

    private void confirmAndCancelSubgraph() {
        FarmSession session = connected();
        GraphLayout.Node node = graphNodeWithBuild();
        if (session == null || node == null) {
            return;
        }
        if (MessageDialog.openConfirm(context.shell(), clean(Messages.ACTION_CANCEL_SUBGRAPH),
                String.format(Messages.CANCEL_SUBGRAPH_CONFIRM, node.name()))) {
            String name = Messages.ACTION_CANCEL_SUBGRAPH;
            report(name, session.buildCommands().cancelWithDependents(List.of(node.build())),
                    result -> reportResult(name, result));
        }
    }

    private void askAndRaiseInputs() {
        GraphLayout.Node node = graphNodeWithBuild();
        if (node == null) {
            return;
        }
        Integer priority = ask(Messages.RAISE_INPUTS_TITLE, String.format(Messages.RAISE_INPUTS_MESSAGE, node.name()),
                "10", Inputs::priority);
        FarmSession session = priority == null ? null : connected();
        if (session != null) {
            String name = Messages.ACTION_RAISE_INPUTS;
            report(name, session.buildCommands().raiseInputPriority(List.of(node.build()), priority),
                    result -> reportResult(name, result));
        }
    }

    /** The derivation selected in the graph when it has a build, else after saying what to do. */
    private GraphLayout.Node graphNodeWithBuild() {
        GraphLayout.Node node = context.selectedGraphNode();
        if (node == null || node.build() == null) {
            context.status(Messages.NOTHING_IN_GRAPH);
            return null;
        }
        return node;
    }

    IAction zoomIn() {
        return zoomIn;
    }

    IAction zoomOut() {
        return zoomOut;
    }

    JobsetActions jobsets() {
        return jobsets;
    }

    IAction connect() {
        return connect;
    }

    IAction reconnect() {
        return reconnect;
    }

    IAction submit() {
        return submit;
    }

    IAction cancel() {
        return cancel;
    }

    IAction retry() {
        return retry;
    }

    IAction priority() {
        return priority;
    }

    IAction tag() {
        return tag;
    }

    IAction find() {
        return find;
    }

    IAction newAgent() {
        return newAgent;
    }

    IAction newPassword() {
        return newPassword;
    }

    IAction activate() {
        return activate;
    }

    IAction deactivate() {
        return deactivate;
    }

    IAction installHook() {
        return installHook;
    }

    IAction removeHook() {
        return removeHook;
    }

    private void openConnectDialog() {
        ConnectDialog dialog = new ConnectDialog(context.shell(), context.sessions().saved());
        if (dialog.open() == Window.OK) {
            context.sessions().connect(dialog.result());
        }
    }

    private void reconnectActive() {
        FarmSession session = context.sessions().active();
        if (session != null) {
            session.supervisor().reconnect();
        }
    }

    private void openSubmitDialog() {
        FarmSession session = connected();
        if (session == null) {
            return;
        }
        SubmitDialog dialog = new SubmitDialog(context.shell());
        if (dialog.open() != Window.OK) {
            return;
        }
        SubmitDialog.Submission submission = dialog.result();
        report(Messages.ACTION_SUBMIT, session.buildCommands().submit(submission.files(), submission.priority(),
                submission.tags()),
                outcomes -> context.status(String.format(Messages.SUBMIT_DONE, outcomes.size(), outcomes.stream()
                        .collect(Collectors.groupingBy(o -> o.outcome(), Collectors.counting())))));
    }

    @FunctionalInterface
    private interface BuildsCall {
        CompletableFuture<ActionResult> call(FarmSession session, List<UUID> ids);
    }

    private void onBuilds(String name, BuildsCall call) {
        FarmSession session = connected();
        List<UUID> ids = context.selectedBuilds().stream().map(BuildInfo::id).toList();
        if (session == null) {
            return;
        }
        if (ids.isEmpty()) {
            context.status(Messages.NOTHING_SELECTED);
            return;
        }
        report(name, call.call(session, ids), result -> reportResult(name, result));
    }

    private void changePriority() {
        askForSelectedBuilds(Messages.ACTION_PRIORITY, Messages.PRIORITY_TITLE, Messages.PRIORITY_MESSAGE,
                selected -> String.valueOf(selected.priority()), Inputs::priority,
                (session, ids, value) -> session.buildCommands().setPriority(ids, value));
    }

    private void tagSelected() {
        askForSelectedBuilds(Messages.ACTION_TAG, Messages.TAG_TITLE, Messages.TAG_MESSAGE, selected -> "",
                Inputs::tagEdit,
                (session, ids, edit) -> session.buildCommands().tag(ids, edit.set(), edit.remove()));
    }

    @FunctionalInterface
    private interface BuildsCallWith<T> {
        CompletableFuture<ActionResult> call(FarmSession session, List<UUID> ids, T value);
    }

    /**
     * Asks for one value for the selected builds, checking it as it is typed, then applies it to each of them.
     *
     * @param message a format with the number of builds selected
     * @param initial the value shown first, from the first build selected
     */
    private <T> void askForSelectedBuilds(String name, String title, String message, Function<BuildInfo, String> initial,
            Function<String, T> parse, BuildsCallWith<T> call) {
        List<BuildInfo> selected = context.selectedBuilds();
        if (selected.isEmpty()) {
            context.status(Messages.NOTHING_SELECTED);
            return;
        }
        T value = ask(title, String.format(message, selected.size()), initial.apply(selected.get(0)), parse);
        if (value != null) {
            onBuilds(name, (session, ids) -> call.call(session, ids, value));
        }
    }

    /** Asks for one value, checking it as it is typed; {@code null} when the operator cancels. */
    private <T> T ask(String title, String message, String initial, Function<String, T> parse) {
        InputDialog dialog = new InputDialog(context.shell(), title, message, initial, text -> {
            try {
                parse.apply(text);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        return dialog.open() == Window.OK ? parse.apply(dialog.getValue()) : null;
    }

    private void openNewAgentDialog() {
        FarmSession session = connected();
        if (session == null) {
            return;
        }
        NewAgentDialog dialog = new NewAgentDialog(context.shell());
        if (dialog.open() == Window.OK) {
            report(Messages.ACTION_NEW_AGENT, session.agentCommands().createAgent(dialog.result()),
                    this::showPassword);
        }
    }

    private void giveNewPassword() {
        FarmSession session = connected();
        List<AgentInfo> agents = context.selectedAgents();
        if (session == null || agents.size() != 1) {
            return;
        }
        if (MessageDialog.openConfirm(context.shell(), Messages.ACTION_NEW_PASSWORD,
                String.format(Messages.NEW_PASSWORD_CONFIRM, agents.get(0).name()))) {
            report(Messages.ACTION_NEW_PASSWORD, session.agentCommands().newPassword(agents.get(0).id()),
                    this::showPassword);
        }
    }

    private void setActive(boolean active) {
        FarmSession session = connected();
        List<UUID> ids = context.selectedAgents().stream().map(AgentInfo::id).toList();
        if (session == null || ids.isEmpty()) {
            return;
        }
        String name = active ? Messages.ACTION_ACTIVATE : Messages.ACTION_DEACTIVATE;
        report(name, session.agentCommands().setActive(ids, active), result -> reportResult(name, result));
    }

    private void pickAndInstallHook() {
        FarmSession session = connected();
        if (session == null) {
            return;
        }
        FileDialog dialog = new FileDialog(context.shell(), SWT.OPEN);
        dialog.setFilterExtensions(new String[] {"*.jar"});
        String chosen = dialog.open();
        if (chosen == null) {
            return;
        }
        Path file = Path.of(chosen);
        byte[] bundle;
        try {
            bundle = Files.readAllBytes(file);
        } catch (IOException e) {
            MessageDialog.openError(context.shell(), Messages.ACTION_INSTALL_HOOK, e.getMessage());
            return;
        }
        report(Messages.ACTION_INSTALL_HOOK, session.hookCommands().install(file.getFileName().toString(), bundle),
                done -> context.status(String.format(Messages.ACTION_DONE, clean(Messages.ACTION_INSTALL_HOOK), 1)));
    }

    private void confirmAndRemoveHook() {
        FarmSession session = connected();
        HookInfo hook = context.selectedHook();
        if (session == null || hook == null || hook.bundle() == null || hook.bundle().isEmpty()) {
            return;
        }
        if (MessageDialog.openConfirm(context.shell(), Messages.ACTION_REMOVE_HOOK,
                String.format(Messages.REMOVE_HOOK_CONFIRM, hook.bundle()))) {
            report(Messages.ACTION_REMOVE_HOOK, session.hookCommands().remove(hook.bundle()),
                    done -> context.status(String.format(Messages.ACTION_DONE, clean(Messages.ACTION_REMOVE_HOOK), 1)));
        }
    }

    private void showPassword(AgentPassword credentials) {
        new PasswordDialog(context.shell(), credentials).open();
    }

    void reportResult(String name, ActionResult result) {
        context.status(result.isComplete() ? String.format(Messages.ACTION_DONE, clean(name), result.succeeded())
                : String.format(Messages.ACTION_PARTLY, clean(name), result.succeeded(), result.failures().size(),
                        String.join("; ", result.failures())));
    }

    /** Shows the outcome on the display thread once the call completes. */
    <T> void report(String name, CompletableFuture<T> call, Consumer<T> onSuccess) {
        Shell shell = context.shell();
        call.whenComplete((value, failure) -> UiUpdates.run(shell, () -> {
            if (failure == null) {
                onSuccess.accept(value);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                context.status(String.format(Messages.ACTION_FAILED, clean(name), cause.getMessage()));
            }
        }));
    }

    /** The active session, or {@code null} after saying in the status line that there is none. */
    FarmSession connected() {
        FarmSession session = context.sessions().active();
        if (session == null) {
            context.status(Messages.STATE_NOT_CONNECTED);
        }
        return session;
    }

    /** An action's text without its mnemonic and ellipsis, for messages. */
    static String clean(String actionText) {
        return actionText.replace("&", "").replace("…", "");
    }

    static IAction action(String text, int accelerator, Runnable run) {
        Action action = new Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
        if (accelerator != 0) {
            action.setAccelerator(accelerator);
        }
        return action;
    }
}
