package dev.kiln.protocol;

/** {@code POST /api/v1/tokens}: a label for the new token (optional), such as {@code ci}. */
public record TokenBody(String label) {
}
