package dev.kiln.protocol;

import java.util.Map;

/**
 * An evaluation of a jobset; {@code status} is {@code running}, {@code succeeded} or {@code failed}. The summary
 * (builds by outcome) is given when one evaluation is asked for, null in lists.
 */
public record EvaluationInfo(long id, String jobset, Map<String, String> commits, String startedAt, String finishedAt,
        String status, int derivationsFound, int buildsSubmitted, String error, EvaluationSummaryInfo summary) {
}
