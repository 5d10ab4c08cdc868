package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/** A build as the client API shows it; times are ISO-8601 UTC or null. */
public record BuildInfo(String id, String state, String derivation, String system, int priority, Map<String, String> tags, Map<String, String> requiredAgentTags, String agent, String createdAt, String startedAt, String finishedAt, int setupFailures, String deferUntil, List<OutputInfo> outputs) {
}
