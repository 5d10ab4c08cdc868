package dev.kiln.desktop.model.views;

import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.JobsetInfo;

/**
 * A jobset with its latest evaluation.
 *
 * @param lastEvaluation {@code null} before its first evaluation
 */
public record JobsetRow(JobsetInfo jobset, EvaluationInfo lastEvaluation) {

    public String name() {
        return jobset.name();
    }

    /** Whether its latest evaluation is still running. */
    public boolean evaluating() {
        return lastEvaluation != null && lastEvaluation.finishedAt() == null;
    }
}
