package dev.kiln.protocol;

import java.time.Instant;
import java.util.UUID;

/**
 * The build a dependency-failed build waits on: the failed build of one of its inputs, followed down to a build that
 * failed itself, and when it did ({@code failedAt}: when it finished, or entered its state).
 */
public record FailedDependencyInfo(UUID build, String derivation, BuildState state, Instant failedAt) {
}
