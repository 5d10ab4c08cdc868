package dev.kiln.protocol;

import java.util.List;

/** {@code POST /agent/v1/builds/{id}/setup-failure}: {@code kind} is {@code missing-inputs}, {@code could-not-delete-outputs} or {@code other}. */
public record SetupFailureBody(String kind, List<String> missingInputs) {
}
