package dev.kiln.desktop.model;

/**
 * The builds of an evaluation by outcome.
 *
 * @param newlyFailing failed in this evaluation after succeeding in the previous one
 */
public record EvaluationSummary(int succeeded, int failed, int pending, int canceled, int newlyFailing) {
}
