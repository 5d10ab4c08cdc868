package dev.kiln.desktop.model;

import java.util.UUID;

/** One build in an agent's allocation plan. */
public record PlannedBuild(UUID id, String derivation, int priority) {
}
