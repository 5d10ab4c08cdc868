package dev.kiln.protocol;

/** {@code PUT /api/v1/builds/{id}/priority}. */
public record PriorityBody(int priority) {
}
