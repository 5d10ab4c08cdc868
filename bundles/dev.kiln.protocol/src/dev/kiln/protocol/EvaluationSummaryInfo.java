package dev.kiln.protocol;

/** The builds of an evaluation by outcome. */
public record EvaluationSummaryInfo(int succeeded, int failed, int pending, int canceled, int newlyFailing) {
}
