package dev.kiln.protocol;

import java.util.UUID;

/** What became of one submitted build: {@code id} is the build created or found, if any. */
public record SubmitResult(String derivation, UUID id, SubmitOutcome outcome) {
}
