package dev.kiln.protocol;

/** A build in an agent's plan. */
public record PlannedBuildInfo(String id, String derivation, int priority) {
}
