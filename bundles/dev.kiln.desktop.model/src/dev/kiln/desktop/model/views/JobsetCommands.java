package dev.kiln.desktop.model.views;

import java.util.concurrent.CompletableFuture;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.protocol.JobsetInfo;

/**
 * What an operator does to jobsets and evaluations: add, change, enable, disable, remove, evaluate now, cancel an
 * evaluation's builds. Each runs in the background, then reads the jobsets again. Thread-safe.
 */
public final class JobsetCommands {

    private final FarmConnection connection;
    private final ConnectionSupervisor supervisor;
    private final JobsetsModel jobsets;

    public JobsetCommands(FarmConnection connection, ConnectionSupervisor supervisor, JobsetsModel jobsets) {
        this.connection = connection;
        this.supervisor = supervisor;
        this.jobsets = jobsets;
    }

    public CompletableFuture<JobsetInfo> add(JobsetInfo jobset) {
        return thenRead(() -> connection.addJobset(jobset));
    }

    /** Changes the jobset of the same name. */
    public CompletableFuture<JobsetInfo> change(JobsetInfo jobset) {
        return thenRead(() -> connection.changeJobset(jobset));
    }

    public CompletableFuture<JobsetInfo> setEnabled(String name, boolean enabled) {
        return thenRead(() -> connection.setJobsetEnabled(name, enabled));
    }

    public CompletableFuture<Void> remove(String name) {
        return thenRead(() -> {
            connection.removeJobset(name);
            return null;
        });
    }

    /** Asks for an evaluation now, and reads the jobsets often until it has run. */
    public CompletableFuture<Void> evaluate(String jobset) {
        return thenRead(() -> {
            long latest = jobsets.latestEvaluation(jobset);
            connection.evaluate(jobset);
            jobsets.evaluationAsked(jobset, latest);
            return null;
        });
    }

    /** Cancels the pending builds of an evaluation; completes with how many. */
    public CompletableFuture<Integer> cancelEvaluation(long id) {
        return thenRead(() -> connection.cancelEvaluation(id));
    }

    /** Runs a change to jobsets, then reads them again. */
    private <T> CompletableFuture<T> thenRead(FarmCall<T> change) {
        return supervisor.call(() -> {
            T result = change.call();
            jobsets.reload();
            return result;
        });
    }
}
