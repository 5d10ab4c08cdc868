package dev.kiln.protocol;

import java.time.Instant;
import java.util.Map;

/**
 * An evaluation of a jobset. The summary
 * (builds by outcome) is given when one evaluation is asked for, null in lists.
 */
public record EvaluationInfo(long id, String jobset, Map<String, String> commits, Instant startedAt, Instant finishedAt,
        EvaluationStatus status, int derivationsFound, int buildsSubmitted, String error, EvaluationSummaryInfo summary) {
}
