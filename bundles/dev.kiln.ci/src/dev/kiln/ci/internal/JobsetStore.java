package dev.kiln.ci.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.EventType;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreTransaction;
import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.api.datastore.StoredEvaluation;
import dev.kiln.api.datastore.StoredJobset;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.Jobset;

/**
 * Jobsets and their evaluations in the coordinator's datastore, each change of an evaluation in one transaction with
 * its event ({@code evaluation-started}, {@code evaluation-finished}, {@code evaluation-failed}); the evaluations'
 * logs as files under {@code <state-dir>/ci/evaluations/}. Thread-safe.
 */
final class JobsetStore {

    private static final Logger LOG = LoggerFactory.getLogger(JobsetStore.class);
    /** The most evaluations of one jobset listed. */
    static final int LISTED_EVALUATIONS = 1_000;

    private final Datastore datastore;
    private final Path logs;

    JobsetStore(Datastore datastore, Path ciDir) throws IOException {
        this.datastore = datastore;
        this.logs = Files.createDirectories(ciDir.resolve("evaluations"));
    }

    /** Every jobset whose definition can be read; one that cannot is left in the datastore and reported. */
    List<Jobset> jobsets() {
        List<Jobset> jobsets = new ArrayList<>();
        for (StoredJobset stored : datastore.read(reader -> reader.jobsets())) {
            try {
                jobsets.add(JobsetJson.read(stored.definition()));
            } catch (IOException | RuntimeException e) {
                LOG.error("Jobset {} has a definition that cannot be read, and is not followed: {}", stored.name(),
                        e.getMessage());
            }
        }
        return jobsets;
    }

    void save(Jobset jobset) {
        String definition = JobsetJson.write(jobset);
        datastore.write(tx -> {
            tx.saveJobset(new StoredJobset(jobset.name(), definition));
            return null;
        });
    }

    void delete(String name) {
        datastore.write(tx -> tx.deleteJobset(name));
    }

    /** Records a new, running evaluation with the next id. */
    Evaluation start(String jobset, Map<String, String> commits, Instant at) {
        return datastore.write(tx -> {
            StoredEvaluation stored = new StoredEvaluation(tx.latestEvaluationId() + 1, jobset, commits, at, null, 0, 0,
                    null);
            tx.saveEvaluation(stored);
            tx.appendEvent(EventType.EVALUATION_STARTED, at, null, null, eventData(stored));
            return evaluation(stored);
        });
    }

    /** Records an evaluation that failed before it could start: its channels could not be updated. */
    Evaluation failedToStart(String jobset, Instant startedAt, String error) {
        return datastore.write(tx -> {
            StoredEvaluation stored = new StoredEvaluation(tx.latestEvaluationId() + 1, jobset, Map.of(), startedAt,
                    Instant.now(), 0, 0, error);
            return finish(tx, stored);
        });
    }

    /** Records the end of an evaluation; it failed if {@code error} is not null. */
    Evaluation finish(Evaluation running, Instant at, int derivationsFound, int buildsSubmitted, String error) {
        StoredEvaluation stored = new StoredEvaluation(running.id(), running.jobset(), running.commits(),
                running.startedAt(), at, derivationsFound, buildsSubmitted, error);
        return datastore.write(tx -> finish(tx, stored));
    }

    /** Fails the evaluations that a stop of the coordinator interrupted; returns them. */
    List<Evaluation> failInterrupted(List<String> jobsets) {
        return datastore.write(tx -> {
            List<Evaluation> failed = new ArrayList<>();
            for (String jobset : jobsets) {
                for (StoredEvaluation stored : tx.evaluationsOfJobset(jobset, LISTED_EVALUATIONS)) {
                    if (stored.finishedAt() == null) {
                        failed.add(finish(tx, new StoredEvaluation(stored.id(), stored.jobset(), stored.commits(),
                                stored.startedAt(), Instant.now(), stored.derivationsFound(), stored.buildsSubmitted(),
                                "interrupted by a restart of the coordinator")));
                    }
                }
            }
            return failed;
        });
    }

    /**
     * The jobset's evaluations that finished and whose final status has not reached the forge, oldest first (up to
     * {@link #LISTED_EVALUATIONS} back).
     */
    List<Evaluation> unreported(String jobset) {
        return datastore.read(reader -> reader.evaluationsOfJobset(jobset, LISTED_EVALUATIONS)).stream()
                .filter(stored -> stored.finishedAt() != null && stored.reportedAt() == null)
                .map(JobsetStore::evaluation)
                .toList().reversed();
    }

    /** Records that the evaluation's final status reached the forge (or was refused for good). */
    void reported(long id, Instant at) {
        datastore.write(tx -> {
            tx.evaluation(id).ifPresent(stored -> tx.saveEvaluation(stored.withReportedAt(at)));
            return null;
        });
    }

    /** The evaluations that found a derivation the build stands for. */
    List<Long> evaluationsWithBuild(UUID buildId) {
        return datastore.read(reader -> reader.evaluationsWithBuild(buildId));
    }

    Optional<Evaluation> evaluation(long id) {
        return datastore.read(reader -> reader.evaluation(id)).map(JobsetStore::evaluation);
    }

    /** The jobset's evaluations, newest first, up to {@link #LISTED_EVALUATIONS}. */
    List<Evaluation> evaluations(String jobset) {
        return datastore.read(reader -> reader.evaluationsOfJobset(jobset, LISTED_EVALUATIONS)).stream()
                .map(JobsetStore::evaluation).toList();
    }

    /** The newest evaluation of each jobset that has one. */
    Map<String, Evaluation> latestEvaluations() {
        Map<String, Evaluation> latest = new LinkedHashMap<>();
        datastore.read(reader -> reader.latestEvaluations())
                .forEach((jobset, stored) -> latest.put(jobset, evaluation(stored)));
        return latest;
    }

    void addBuilds(long evaluationId, List<EvaluationBuild> builds) {
        if (builds.isEmpty()) {
            return;
        }
        datastore.write(tx -> {
            tx.insertEvaluationBuilds(evaluationId, builds);
            return null;
        });
    }

    List<EvaluationBuild> builds(long evaluationId) {
        return datastore.read(reader -> reader.evaluationBuilds(evaluationId));
    }

    Path log(long evaluationId) {
        return logs.resolve(evaluationId + ".log");
    }

    private static Evaluation finish(DatastoreTransaction tx, StoredEvaluation stored) {
        tx.saveEvaluation(stored);
        Map<String, String> data = eventData(stored);
        data.put("derivations", Integer.toString(stored.derivationsFound()));
        data.put("builds", Integer.toString(stored.buildsSubmitted()));
        if (stored.error() != null) {
            data.put("error", stored.error());
        }
        tx.appendEvent(stored.error() == null ? EventType.EVALUATION_FINISHED : EventType.EVALUATION_FAILED,
                stored.finishedAt(), null, null, data);
        return evaluation(stored);
    }

    private static Map<String, String> eventData(StoredEvaluation stored) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("jobset", stored.jobset());
        data.put("evaluation", Long.toString(stored.id()));
        if (!stored.commits().isEmpty()) {
            data.put("commits", stored.commits().entrySet().stream()
                    .map(commit -> commit.getKey() + "=" + commit.getValue()).sorted().collect(Collectors.joining(" ")));
        }
        return data;
    }

    static Evaluation evaluation(StoredEvaluation stored) {
        EvaluationStatus status = stored.finishedAt() == null ? EvaluationStatus.RUNNING
                : stored.error() == null ? EvaluationStatus.SUCCEEDED : EvaluationStatus.FAILED;
        return new Evaluation(stored.id(), stored.jobset(), stored.commits(), stored.startedAt(), stored.finishedAt(),
                status, stored.derivationsFound(), stored.buildsSubmitted(), stored.error());
    }

    /** An evaluation of an earlier version, which posted no final statuses: it counts as reported when it finished. */
    static StoredEvaluation stored(Evaluation evaluation) {
        return new StoredEvaluation(evaluation.id(), evaluation.jobset(), evaluation.commits(), evaluation.startedAt(),
                evaluation.finishedAt(), evaluation.derivationsFound(), evaluation.buildsSubmitted(), evaluation.error(),
                evaluation.finishedAt());
    }
}
