package dev.kiln.protocol;

/**
 * {@code POST /agent/v1/builds/{id}/failure}: how the build failed, {@code failed}, {@code timed-out},
 * {@code silent}, {@code log-limit} or {@code output-limit} (an empty body is {@code failed}), and the builder's exit
 * status when the agent knows it (null when it does not, as when the builder was killed).
 */
public record FailureBody(String kind, Integer exitStatus) {
}
