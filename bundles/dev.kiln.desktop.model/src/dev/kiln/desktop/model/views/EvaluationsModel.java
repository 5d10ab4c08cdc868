package dev.kiln.desktop.model.views;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.EvaluationInfo;

/**
 * Loads the evaluations of the selected jobset, the newest {@link #SUMMARIZED} with the summary of their builds.
 * Requests made while a load runs are folded into one more, and an answer for a jobset no longer selected is dropped.
 * Thread-safe; the view hears on the scheduler's thread.
 */
public final class EvaluationsModel {

    /** How many of the newest evaluations are shown with their summaries (one request each). */
    public static final int SUMMARIZED = 10;

    /**
     * The evaluations of one jobset, newest first.
     *
     * @param jobset  {@code null} when no jobset is selected
     * @param problem why they could not be read, or empty
     */
    public record Evaluations(String jobset, List<EvaluationInfo> evaluations, String problem) {

        public static final Evaluations NONE = new Evaluations(null, List.of(), "");

        public Evaluations {
            evaluations = List.copyOf(evaluations);
            problem = problem == null ? "" : problem;
        }
    }

    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final Consumer<Evaluations> view;
    private final Recomputation load;
    private volatile String selected;

    /** @param view told the evaluations of the selected jobset, on the scheduler's thread */
    public EvaluationsModel(FarmConnection connection, Scheduler scheduler, Consumer<Evaluations> view) {
        this.connection = connection;
        this.scheduler = scheduler;
        this.view = view;
        this.load = new Recomputation(scheduler, this::load);
    }

    /** Shows the evaluations of {@code jobset}, or none for {@code null}. */
    public void show(String jobset) {
        selected = jobset;
        load.request();
    }

    /** Reads the selected jobset's evaluations again. */
    public void refresh() {
        if (selected != null) {
            load.request();
        }
    }

    public String selected() {
        return selected;
    }

    /** What the evaluation's command printed, read in the background. */
    public CompletableFuture<String> log(long id) {
        CompletableFuture<String> log = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                log.complete(connection.evaluationLog(id));
            } catch (FarmException e) {
                log.completeExceptionally(e);
            }
        });
        return log;
    }

    private void load() {
        String jobset = selected;
        if (jobset == null) {
            view.accept(Evaluations.NONE);
            return;
        }
        Evaluations loaded;
        try {
            List<EvaluationInfo> listed = connection.evaluations(jobset);
            List<EvaluationInfo> evaluations = new ArrayList<>(listed.size());
            for (int i = 0; i < listed.size(); i++) {
                evaluations.add(i < SUMMARIZED ? connection.evaluation(listed.get(i).id()) : listed.get(i));
            }
            loaded = new Evaluations(jobset, evaluations, "");
        } catch (FarmException e) {
            loaded = new Evaluations(jobset, List.of(), e.getMessage());
        }
        if (jobset.equals(selected)) {
            view.accept(loaded);
        }
    }
}
