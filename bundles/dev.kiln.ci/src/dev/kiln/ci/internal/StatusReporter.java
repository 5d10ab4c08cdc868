package dev.kiln.ci.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.KilnException;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.EvaluationSummary;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.internal.CommitStatus.State;
import dev.kiln.retry.Backoff;

/**
 * Tells the forges how the evaluations of pull requests stand, as commit statuses (or GitHub check runs): pending when
 * an evaluation starts, then failure if it failed, or, once its builds have all finished, success if they all
 * succeeded and failure otherwise, each with a link to the evaluation; with a failure, a status of its own for each of
 * the first failed jobs, up to a bound. Once every status of that final report reached the forge, the evaluation is
 * recorded as reported: a coordinator that starts again resumes the evaluations that were not ({@link Resume}).
 *
 * <p>An actor: monitors tell it and go on, so a forge that is slow or down never holds up an evaluation or a build.
 * Statuses wait in a queue, a newer one of a commit and context replacing the older, and are posted in batches; when
 * the forge cannot take them, or says its rate limit is spent, they are tried again after a back-off or when the
 * forge said to.
 */
final class StatusReporter extends Actor<StatusReporter.Message> {

    sealed interface Message {
    }

    record Started(Jobset jobset, Evaluation evaluation) implements Message {
    }

    record Finished(Jobset jobset, Evaluation evaluation) implements Message {
    }

    /** An evaluation that finished before the coordinator stopped and whose final report did not reach the forge. */
    record Resume(Jobset jobset, Evaluation evaluation) implements Message {
    }

    /** The jobset's pull request closed: its evaluations get no final status. */
    record Withdraw(String jobset) implements Message {
    }

    private record Flush() implements Message {
    }

    private record Check() implements Message {
    }

    /** A job of an evaluation that failed: its name, its build, and whether its own inputs failed. */
    record FailedJob(String name, UUID build, boolean dependencyFailed) {
    }

    /** An evaluation whose builds run, with the jobset it belongs to and its last status. */
    private record Watch(String jobset, CommitStatus last) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    /** Statuses that come within this time of each other are posted together. */
    private static final Duration BATCH = Duration.ofMillis(200);
    /** A forge that is down is tried again after a second, doubling up to five minutes. */
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
    private static final Duration CHECK_PERIOD = Duration.ofSeconds(2);

    private final ForgeClient client;
    private final String apiUrl;
    private final int failedJobStatuses;
    private final LongFunction<EvaluationSummary> summaries;
    private final LongFunction<List<FailedJob>> failedJobs;
    private final LongConsumer reported;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("commit-status-timer").factory());
    private final Map<String, CommitStatus> queued = new LinkedHashMap<>();
    /** The evaluations that succeeded and whose builds have not all finished. */
    private final Map<Long, Watch> watched = new HashMap<>();
    /** The evaluations whose final report waits to be posted. */
    private final Set<Long> reporting = new HashSet<>();
    private boolean flushScheduled;
    private int failedFlushes;

    /**
     * @param client            the forges' APIs
     * @param publicUrl         the coordinator's client API as the forges' users reach it, for the links
     * @param failedJobStatuses how many failed jobs of an evaluation get a status of their own
     * @param summaries         the builds of an evaluation by outcome
     * @param failedJobs        the failed jobs of an evaluation, those that failed themselves first
     * @param reported          records that an evaluation's final report reached the forge
     */
    StatusReporter(ForgeClient client, String publicUrl, int failedJobStatuses,
            LongFunction<EvaluationSummary> summaries, LongFunction<List<FailedJob>> failedJobs,
            LongConsumer reported) {
        super("commit-statuses");
        this.client = client;
        this.apiUrl = (publicUrl.endsWith("/") ? publicUrl : publicUrl + "/") + "api/v1/";
        this.failedJobStatuses = failedJobStatuses;
        this.summaries = summaries;
        this.failedJobs = failedJobs;
        this.reported = reported;
        timer.scheduleWithFixedDelay(() -> tell(new Check()), CHECK_PERIOD.toMillis(), CHECK_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Whether the jobset's evaluations get statuses: it builds a pull request on a forge this coordinator reaches. */
    boolean reports(Jobset jobset) {
        return jobset.pullRequest() != null && client.reaches(jobset.pullRequest().forge());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        super.close();
    }

    @Override
    protected void receive(Message message) throws InterruptedException {
        switch (message) {
            case Started started -> {
                CommitStatus evaluating = status(started.jobset(), started.evaluation(), "Evaluating");
                if (evaluating != null) {
                    enqueue(evaluating);
                }
            }
            case Finished finished -> finished(finished.jobset(), finished.evaluation(), true);
            case Resume resume -> finished(resume.jobset(), resume.evaluation(), false);
            case Withdraw withdraw -> withdraw(withdraw.jobset());
            case Check check -> checkBuilds();
            case Flush flush -> flush();
        }
    }

    /** Reports an evaluation that finished; {@code announce} posts that its builds run, unless it failed. */
    private void finished(Jobset jobset, Evaluation evaluation, boolean announce) {
        CommitStatus building = status(jobset, evaluation,
                "Evaluated: " + evaluation.derivationsFound() + " derivations, building");
        if (building == null) {
            reported.accept(evaluation.id());
            return;
        }
        if (evaluation.status() == EvaluationStatus.FAILED) {
            report(List.of(building.finalStatus(State.FAILURE, shorten("The evaluation failed: " + evaluation.error()))));
            return;
        }
        if (announce) {
            enqueue(building);
        }
        watched.put(evaluation.id(), new Watch(jobset.name(), building));
        checkBuilds();
    }

    private void withdraw(String jobset) {
        for (Iterator<Map.Entry<Long, Watch>> entries = watched.entrySet().iterator(); entries.hasNext();) {
            Map.Entry<Long, Watch> entry = entries.next();
            if (entry.getValue().jobset().equals(jobset)) {
                entries.remove();
                reported.accept(entry.getKey());
            }
        }
    }

    /** Reports each watched evaluation whose builds have all finished. */
    private void checkBuilds() {
        for (Iterator<Map.Entry<Long, Watch>> entries = watched.entrySet().iterator(); entries.hasNext();) {
            Map.Entry<Long, Watch> entry = entries.next();
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
            CommitStatus last = entry.getValue().last();
            if (summary.failed() == 0 && summary.canceled() == 0) {
                report(List.of(last.finalStatus(State.SUCCESS, summary.succeeded() + " builds succeeded")));
                continue;
            }
            List<FailedJob> failed = summary.failed() == 0 || failedJobStatuses == 0 ? List.of()
                    : failedJobs.apply(entry.getKey());
            List<FailedJob> shown = failed.subList(0, Math.min(failed.size(), failedJobStatuses));
            List<CommitStatus> report = new ArrayList<>();
            report.add(last.finalStatus(State.FAILURE, summary.failed() + " builds failed, " + summary.canceled()
                    + " canceled" + (shown.size() < summary.failed() && !shown.isEmpty()
                            ? "; the first " + shown.size() + " shown" : "")));
            for (FailedJob job : shown) {
                report.add(last.finalStatus(last.context() + "/" + job.name(), State.FAILURE,
                        job.dependencyFailed() ? "An input failed to build" : "The build failed",
                        apiUrl + "builds/" + job.build()));
            }
            report(report);
        }
    }

    /** Queues an evaluation's final report; it counts as reported once all of it reached the forge. */
    private void report(List<CommitStatus> statuses) {
        reporting.add(statuses.get(0).evaluation());
        statuses.forEach(this::enqueue);
    }

    /**
     * A pending status of the evaluation's commit if the jobset builds a pull request of a forge it can reach, or null.
     */
    private CommitStatus status(Jobset jobset, Evaluation evaluation, String description) {
        if (!reports(jobset)) {
            return null;
        }
        String commit = evaluation.commits().get(jobset.channels().get(0).name());
        if (commit == null) {
            return null;
        }
        return new CommitStatus(jobset.pullRequest().forge(), jobset.pullRequest().repository(), commit,
                "kiln/" + jobset.pullRequest().template(), State.PENDING, shorten(description),
                apiUrl + "evaluations/" + evaluation.id(), evaluation.id(), false);
    }

    private void enqueue(CommitStatus status) {
        queued.remove(status.key());
        queued.put(status.key(), status);
        scheduleFlush(BATCH);
    }

    private void scheduleFlush(Duration after) {
        if (!flushScheduled) {
            flushScheduled = true;
            timer.schedule(() -> tell(new Flush()), after.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flush() throws InterruptedException {
        flushScheduled = false;
        try {
            for (CommitStatus status : new ArrayList<>(queued.values())) {
                ForgeClient.Answer answer = client.post(status);
                switch (answer.outcome()) {
                    case POSTED -> queued.remove(status.key(), status);
                    case REFUSED -> {
                        queued.remove(status.key(), status);
                        LOG.warn("{} refused the status {} of {} on {} ({})", status.forge(), status.state(),
                                status.commit(), status.repository(), status.context());
                    }
                    case RETRY -> {
                        Duration backoff = BACKOFF.delay(failedFlushes++);
                        Duration wait = answer.pause().compareTo(backoff) > 0 ? answer.pause() : backoff;
                        LOG.info("{} cannot take statuses now; {} wait, tried again in {} s", status.forge(),
                                queued.size(), wait.toSeconds());
                        scheduleFlush(wait);
                        return;
                    }
                }
                if (!answer.pause().isZero() && !queued.isEmpty()) {
                    LOG.info("{} has no requests left before its rate limit resets; {} statuses wait {} s",
                            status.forge(), queued.size(), answer.pause().toSeconds());
                    scheduleFlush(answer.pause());
                    return;
                }
            }
            failedFlushes = 0;
        } finally {
            settleReports();
        }
    }

    /** Records as reported each evaluation none of whose final report waits any more. */
    private void settleReports() {
        for (Iterator<Long> evaluations = reporting.iterator(); evaluations.hasNext();) {
            long evaluation = evaluations.next();
            if (queued.values().stream().noneMatch(status -> status.evaluation() == evaluation && status.last())) {
                evaluations.remove();
                reported.accept(evaluation);
            }
        }
    }

    /** Forges keep a short description: GitHub 140 characters. */
    private static String shorten(String description) {
        return description.length() <= 140 ? description : description.substring(0, 139) + "…";
    }
}
