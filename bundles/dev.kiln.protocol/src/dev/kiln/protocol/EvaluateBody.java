package dev.kiln.protocol;

/**
 * {@code POST /api/v1/jobsets/{name}/evaluate}, a body a client may leave out. {@code rebuildFailures} retries each
 * failed build among the derivations the evaluation finds, with the builds that were dependency-failed because of
 * it, instead of leaving the known failure as it is.
 */
public record EvaluateBody(boolean rebuildFailures) {
}
