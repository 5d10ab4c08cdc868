package dev.kiln.protocol;

import java.time.Instant;
import java.util.Map;

/** One build to create; {@code deferUntil} is null to allocate it at once. */
public record BuildRequest(String derivation, int priority, Map<String, String> tags, Map<String, String> requiredAgentTags, boolean ignoreIfDerivationExists, boolean ignoreIfOutputsExist, Instant deferUntil) {
}
