package dev.kiln.protocol;

import java.util.UUID;

/** A build in an agent's plan. */
public record PlannedBuildInfo(UUID id, String derivation, int priority) {
}
