package dev.kiln.protocol;

import java.time.Instant;

/** A jar in the coordinator's hooks directory; {@code problem} says why it is not deployed, or is null. */
public record HookDeploymentInfo(String file, String bundle, String version, String problem, Instant at) {
}
