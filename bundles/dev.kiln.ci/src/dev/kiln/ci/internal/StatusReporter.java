package dev.kiln.ci.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.KilnException;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.EvaluationSummary;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.internal.CommitStatus.State;

/**
 * Tells the forges how the evaluations of pull requests stand, as commit statuses: pending when an evaluation starts,
 * then failure if it failed, or, once its builds have all finished, success if they all succeeded and failure
 * otherwise, each with a link to the evaluation. An actor: monitors tell it and go on, so a forge that is slow or down
 * never holds up an evaluation or a build. Statuses wait in a queue, a newer one of a commit and context replacing the
 * older, and are posted in batches; when the forge cannot take them they are tried again after a back-off.
 */
final class StatusReporter extends Actor<StatusReporter.Message> {

    sealed interface Message {
    }

    record Started(Jobset jobset, Evaluation evaluation) implements Message {
    }

    record Finished(Jobset jobset, Evaluation evaluation) implements Message {
    }

    private record Flush() implements Message {
    }

    private record Check() implements Message {
    }

    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    /** Statuses that come within this time of each other are posted together. */
    private static final Duration BATCH = Duration.ofMillis(200);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofMinutes(5);
    private static final Duration CHECK_PERIOD = Duration.ofSeconds(2);

    private final ForgeClient client;
    private final String evaluationsUrl;
    private final LongFunction<EvaluationSummary> summaries;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("commit-status-timer").factory());
    private final Map<String, CommitStatus> queued = new LinkedHashMap<>();
    /** The evaluations that succeeded and whose builds have not all finished, with their last status. */
    private final Map<Long, CommitStatus> watched = new HashMap<>();
    private boolean flushScheduled;
    private Duration retry = FIRST_RETRY;

    /**
     * @param client    the forges' APIs
     * @param publicUrl the coordinator's client API as the forges' users reach it, for the links
     * @param summaries the builds of an evaluation by outcome
     */
    StatusReporter(ForgeClient client, String publicUrl, LongFunction<EvaluationSummary> summaries) {
        super("commit-statuses");
        this.client = client;
        this.evaluationsUrl = (publicUrl.endsWith("/") ? publicUrl : publicUrl + "/") + "api/v1/evaluations/";
        this.summaries = summaries;
        timer.scheduleWithFixedDelay(() -> tell(new Check()), CHECK_PERIOD.toMillis(), CHECK_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        super.close();
    }

    @Override
    protected void receive(Message message) throws InterruptedException {
        switch (message) {
            case Started started -> status(started.jobset(), started.evaluation(), State.PENDING, "Evaluating");
            case Finished finished -> finished(finished.jobset(), finished.evaluation());
            case Check check -> checkBuilds();
            case Flush flush -> flush();
        }
    }

    private void finished(Jobset jobset, Evaluation evaluation) {
        if (evaluation.status() == EvaluationStatus.FAILED) {
            status(jobset, evaluation, State.FAILURE, "The evaluation failed: " + evaluation.error());
            return;
        }
        CommitStatus pending = status(jobset, evaluation, State.PENDING,
                "Evaluated: " + evaluation.derivationsFound() + " derivations, building");
        if (pending != null) {
            watched.put(evaluation.id(), pending);
            checkBuilds();
        }
    }

    /** Posts the final status of each watched evaluation whose builds have all finished. */
    private void checkBuilds() {
        for (Iterator<Map.Entry<Long, CommitStatus>> entries = watched.entrySet().iterator(); entries.hasNext();) {
            Map.Entry<Long, CommitStatus> entry = entries.next();
            EvaluationSummary summary;
            try {
                summary = summaries.apply(entry.getKey());
            } catch (KilnException e) {
                entries.remove();
                continue;
            }
            if (summary.pending() > 0) {
                continue;
            }
            entries.remove();
            CommitStatus last = entry.getValue();
            boolean succeeded = summary.failed() == 0 && summary.canceled() == 0;
            enqueue(new CommitStatus(last.forge(), last.repository(), last.commit(), last.context(),
                    succeeded ? State.SUCCESS : State.FAILURE,
                    succeeded ? summary.succeeded() + " builds succeeded"
                            : summary.failed() + " builds failed, " + summary.canceled() + " canceled",
                    last.targetUrl()));
        }
    }

    /** Queues a status for the evaluation's commit if the jobset builds a pull request of a forge it can reach. */
    private CommitStatus status(Jobset jobset, Evaluation evaluation, State state, String description) {
        if (jobset.pullRequest() == null || !client.reaches(jobset.pullRequest().forge())) {
            return null;
        }
        String commit = evaluation.commits().get(jobset.channels().get(0).name());
        if (commit == null) {
            return null;
        }
        CommitStatus status = new CommitStatus(jobset.pullRequest().forge(), jobset.pullRequest().repository(), commit,
                "kiln/" + jobset.pullRequest().template(), state, shorten(description),
                evaluationsUrl + evaluation.id());
        enqueue(status);
        return status;
    }

    private void enqueue(CommitStatus status) {
        queued.remove(status.key());
        queued.put(status.key(), status);
        if (!flushScheduled) {
            flushScheduled = true;
            timer.schedule(() -> tell(new Flush()), BATCH.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flush() throws InterruptedException {
        flushScheduled = false;
        List<CommitStatus> batch = new ArrayList<>(queued.values());
        for (CommitStatus status : batch) {
            switch (client.post(status)) {
                case POSTED -> queued.remove(status.key(), status);
                case REFUSED -> {
                    queued.remove(status.key(), status);
                    LOG.warn("{} refused the status {} of {} on {}", status.forge(), status.state(), status.commit(),
                            status.repository());
                }
                case RETRY -> {
                    LOG.info("{} cannot take statuses now; {} wait, tried again in {} s", status.forge(),
                            queued.size(), retry.toSeconds());
                    flushScheduled = true;
                    timer.schedule(() -> tell(new Flush()), retry.toMillis(), TimeUnit.MILLISECONDS);
                    retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
                    return;
                }
            }
        }
        retry = FIRST_RETRY;
    }

    /** Forges keep a short description: GitHub 140 characters. */
    private static String shorten(String description) {
        return description.length() <= 140 ? description : description.substring(0, 139) + "…";
    }
}
