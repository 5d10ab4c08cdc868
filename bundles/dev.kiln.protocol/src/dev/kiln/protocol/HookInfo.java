package dev.kiln.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A hook as the client API shows it: where it comes from, the events it handles, how many of them wait for it by
 * event type, and its failures.
 */
public record HookInfo(String name, String bundle, String version, List<String> events, Map<String, Integer> queued,
        long failures, String lastFailure, Instant lastFailureAt) {
}
