package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.JobsetInfo;

/**
 * The jobsets of one coordinator, each with its latest evaluation. Jobsets change without events: while one evaluates,
 * or one was asked to, they are read every {@link #EVALUATION_POLL}. Thread-safe; listeners hear changes on background
 * threads.
 */
public final class JobsetsModel extends TopicModel implements FarmTopic {

    /** How often jobsets are read again while one of them is evaluating or about to. */
    static final Duration EVALUATION_POLL = Duration.ofSeconds(1);
    /** How long an evaluation asked for is waited for before polling gives up on it. */
    static final Duration EVALUATION_AWAITED = Duration.ofMinutes(2);

    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final Coalescer evaluationPoll;
    /** Jobsets asked to evaluate, with the id of their latest evaluation then (-1 for none) and until when. */
    private final Map<String, AwaitedEvaluation> awaitedEvaluations = new ConcurrentHashMap<>();
    private volatile List<JobsetRow> jobsets = List.of();
    private volatile String problem = "";

    public JobsetsModel(FarmConnection connection, Scheduler scheduler, ConnectionSupervisor supervisor) {
        this.connection = connection;
        this.scheduler = scheduler;
        this.evaluationPoll = new Coalescer(scheduler, EVALUATION_POLL, () -> {
            if (supervisor.status().state() == ConnectionState.CONNECTED) {
                try {
                    reload();
                } catch (FarmException e) {
                    supervisor.failed(e);
                }
            }
        });
    }

    /** The jobsets by name, each with its latest evaluation. */
    public List<JobsetRow> jobsets() {
        return jobsets;
    }

    /** Why the coordinator shows no jobsets (it runs without them), or empty. */
    public String problem() {
        return problem;
    }

    @Override
    public void reload() throws FarmException {
        List<JobsetInfo> listed;
        try {
            listed = connection.jobsets();
        } catch (FarmException e) {
            if (e.kind() != FarmException.Kind.UNAVAILABLE) {
                throw e;
            }
            jobsets = List.of();
            problem = e.getMessage();
            fire();
            return;
        }
        List<JobsetRow> rows = new ArrayList<>();
        for (JobsetInfo jobset : listed) {
            List<EvaluationInfo> evaluations = connection.evaluations(jobset.name());
            rows.add(new JobsetRow(jobset, evaluations.isEmpty() ? null : evaluations.get(0)));
        }
        rows.sort(Comparator.comparing(JobsetRow::name));
        jobsets = List.copyOf(rows);
        problem = "";
        Instant now = scheduler.now();
        awaitedEvaluations.entrySet().removeIf(awaited -> now.isAfter(awaited.getValue().until())
                || rows.stream().noneMatch(row -> row.name().equals(awaited.getKey()))
                || rows.stream().anyMatch(row -> row.name().equals(awaited.getKey()) && row.lastEvaluation() != null
                        && row.lastEvaluation().id() != awaited.getValue().latestBefore() && !row.evaluating()));
        if (!awaitedEvaluations.isEmpty() || rows.stream().anyMatch(JobsetRow::evaluating)) {
            evaluationPoll.request();
        }
        fire();
    }

    /** Notes that an evaluation of {@code jobset} was asked for: the jobsets are read often until it has run. */
    void evaluationAsked(String jobset, long latestBefore) {
        awaitedEvaluations.put(jobset, new AwaitedEvaluation(latestBefore, scheduler.now().plus(EVALUATION_AWAITED)));
    }

    /** The id of the jobset's latest evaluation, or -1 for none. */
    long latestEvaluation(String jobset) {
        return jobsets.stream().filter(row -> row.name().equals(jobset) && row.lastEvaluation() != null)
                .mapToLong(row -> row.lastEvaluation().id()).findFirst().orElse(-1);
    }

    /** An evaluation asked for and not yet seen finished. */
    private record AwaitedEvaluation(long latestBefore, Instant until) {
    }
}
