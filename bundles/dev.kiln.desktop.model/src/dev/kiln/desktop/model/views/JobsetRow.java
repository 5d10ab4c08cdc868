package dev.kiln.desktop.model.views;

import dev.kiln.desktop.model.Evaluation;
import dev.kiln.desktop.model.Jobset;

/**
 * A jobset with its latest evaluation.
 *
 * @param lastEvaluation {@code null} before its first evaluation
 */
public record JobsetRow(Jobset jobset, Evaluation lastEvaluation) {

    public String name() {
        return jobset.name();
    }

    /** Whether its latest evaluation is still running. */
    public boolean evaluating() {
        return lastEvaluation != null && lastEvaluation.finishedAt() == null;
    }
}
