package dev.kiln.protocol;

import java.util.List;

/** {@code GET /api/v1/jobsets/{name}/evaluations}, newest first. */
public record EvaluationList(List<EvaluationInfo> evaluations) {
}
