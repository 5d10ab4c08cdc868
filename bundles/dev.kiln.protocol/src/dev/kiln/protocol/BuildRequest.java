package dev.kiln.protocol;

import java.util.Map;

/** One build to create; {@code deferUntil} is an ISO-8601 instant or null. */
public record BuildRequest(String derivation, int priority, Map<String, String> tags, Map<String, String> requiredAgentTags, boolean ignoreIfDerivationExists, boolean ignoreIfOutputsExist, String deferUntil) {
}
