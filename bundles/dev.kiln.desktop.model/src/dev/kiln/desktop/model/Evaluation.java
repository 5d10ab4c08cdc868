package dev.kiln.desktop.model;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One evaluation of a jobset.
 *
 * @param commits    the commit evaluated for each channel, by channel name
 * @param finishedAt {@code null} while it runs
 * @param error      why it failed, or empty
 * @param summary    its builds by outcome, or {@code null} when not asked for (lists leave it out)
 */
public record Evaluation(long id, String jobset, Map<String, String> commits, Instant startedAt, Instant finishedAt,
        EvaluationStatus status, int derivationsFound, int buildsSubmitted, String error, EvaluationSummary summary) {

    public Evaluation {
        Objects.requireNonNull(jobset, "jobset");
        Objects.requireNonNull(status, "status");
        commits = Collections.unmodifiableSortedMap(new TreeMap<>(commits == null ? Map.of() : commits));
        error = error == null ? "" : error;
    }

    /** The same evaluation with its summary. */
    public Evaluation withSummary(EvaluationSummary newSummary) {
        return new Evaluation(id, jobset, commits, startedAt, finishedAt, status, derivationsFound, buildsSubmitted,
                error, newSummary);
    }

    /** The commits as {@code channel@abbreviated-commit}, space separated. */
    public String commitsText() {
        return commits.entrySet().stream()
                .map(commit -> commit.getKey() + "@" + commit.getValue().substring(0, Math.min(10,
                        commit.getValue().length())))
                .collect(Collectors.joining(" "));
    }
}
