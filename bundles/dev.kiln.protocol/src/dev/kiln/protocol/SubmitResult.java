package dev.kiln.protocol;

/** What became of one submitted build: {@code outcome} is {@code created}, {@code derivation-exists}, {@code outputs-exist} or {@code outputs-held}; {@code id} is the build created or found, if any. */
public record SubmitResult(String derivation, String id, String outcome) {
}
