package dev.kiln.desktop.model.views;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.DerivationInfo;

/**
 * Loads the details of the selected build. Only the latest request is answered: a slow answer for a build that is no
 * longer selected is dropped.
 */
public final class BuildDetailsModel {

    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final Consumer<BuildDetails> view;
    private volatile UUID requested;

    /** @param view told the details, on the scheduler's thread */
    public BuildDetailsModel(FarmConnection connection, Scheduler scheduler, Consumer<BuildDetails> view) {
        this.connection = connection;
        this.scheduler = scheduler;
        this.view = view;
    }

    public void show(UUID id) {
        requested = id;
        scheduler.execute(() -> {
            BuildInfo build;
            try {
                build = connection.build(id);
            } catch (FarmException e) {
                return;
            }
            DerivationInfo derivation = null;
            String problem = "";
            try {
                derivation = connection.derivation(build.derivation());
            } catch (FarmException e) {
                problem = e.getMessage();
            }
            List<WaitingLine> waiting = List.of();
            if (build.state() == BuildState.SCHEDULED || build.state() == BuildState.DEPENDENCY_FAILED) {
                try {
                    waiting = WaitingLine.of(connection.waiting(id));
                } catch (FarmException e) {
                    problem = problem.isEmpty() ? e.getMessage() : problem + "; " + e.getMessage();
                }
            }
            if (id.equals(requested)) {
                view.accept(new BuildDetails(build, derivation, TimelineEntry.of(build), waiting, problem));
            }
        });
    }

    /** The build asked for last, or {@code null}. */
    public UUID requested() {
        return requested;
    }
}
