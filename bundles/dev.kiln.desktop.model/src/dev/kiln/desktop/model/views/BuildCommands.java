package dev.kiln.desktop.model.views;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.SubmitResult;

/**
 * What an operator does to builds: submit, cancel, retry, change the priority, tag. Each runs in the background and
 * puts the builds it changed into the {@link BuildsModel}. Thread-safe.
 */
public final class BuildCommands {

    private final FarmConnection connection;
    private final ConnectionSupervisor supervisor;
    private final BuildsModel builds;

    public BuildCommands(FarmConnection connection, ConnectionSupervisor supervisor, BuildsModel builds) {
        this.connection = connection;
        this.supervisor = supervisor;
        this.builds = builds;
    }

    public CompletableFuture<ActionResult> cancel(Collection<UUID> ids) {
        return onEach(ids, connection::cancel);
    }

    public CompletableFuture<ActionResult> retry(Collection<UUID> ids) {
        return onEach(ids, connection::retry);
    }

    public CompletableFuture<ActionResult> setPriority(Collection<UUID> ids, int priority) {
        return onEach(ids, id -> connection.setPriority(id, priority));
    }

    /** Cancels each build with every build not final that needs it. */
    public CompletableFuture<ActionResult> cancelWithDependents(Collection<UUID> ids) {
        return onEachMany(ids, connection::cancelWithDependents);
    }

    /** Raises to {@code priority} the pending builds of the inputs each build waits for. */
    public CompletableFuture<ActionResult> raiseInputPriority(Collection<UUID> ids, int priority) {
        return onEachMany(ids, id -> connection.raiseInputPriority(id, priority));
    }

    /** Sets the tags {@code set} on each build and removes the keys {@code remove}. */
    public CompletableFuture<ActionResult> tag(Collection<UUID> ids, Map<String, String> set, List<String> remove) {
        return onEach(ids, id -> connection.tag(id, set, remove));
    }

    /** Submits one build for each {@code .drv} file, with what their closures need that the coordinator lacks. */
    public CompletableFuture<List<SubmitResult>> submit(List<Path> files, int priority, Map<String, String> tags) {
        return supervisor.call(() -> connection.submit(files, priority, tags));
    }

    /** {@link #onEach} for an action that changes a list of builds: all of them go into the model. */
    private CompletableFuture<ActionResult> onEachMany(Collection<UUID> ids,
            ActionResult.ItemAction<List<BuildInfo>> action) {
        List<List<BuildInfo>> answers = new ArrayList<>();
        return supervisor.call(() -> ActionResult.of(ids, action, answers))
                .whenComplete((result, failure) -> builds.changed(answers.stream().flatMap(List::stream).toList()));
    }

    private CompletableFuture<ActionResult> onEach(Collection<UUID> ids, ActionResult.ItemAction<BuildInfo> action) {
        List<BuildInfo> changed = new ArrayList<>();
        return supervisor.call(() -> ActionResult.of(ids, action, changed))
                .whenComplete((result, failure) -> builds.changed(changed));
    }
}
