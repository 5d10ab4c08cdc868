package dev.kiln.ci;

/**
 * The builds of an evaluation by outcome.
 *
 * @param succeeded     builds that succeeded
 * @param failed        builds that failed, or whose inputs failed
 * @param pending       builds not finished
 * @param canceled      builds canceled
 * @param newlyFailing  failed builds whose derivation name had a succeeded build in the jobset's previous evaluation
 */
public record EvaluationSummary(int succeeded, int failed, int pending, int canceled, int newlyFailing) {
}
