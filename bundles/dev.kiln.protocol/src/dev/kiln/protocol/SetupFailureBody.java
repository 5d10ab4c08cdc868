package dev.kiln.protocol;

import java.util.List;

/** {@code POST /agent/v1/builds/{id}/setup-failure}. */
public record SetupFailureBody(SetupFailureKind kind, List<String> missingInputs) {
}
