package dev.kiln.hooks.internal;

import java.time.Instant;

/**
 * How one hook stands in the queue of one event type.
 *
 * @param queued        events read and not yet handled by the hook
 * @param failures      failed calls since the start
 * @param lastFailure   the latest failure's message, or {@code null}
 * @param lastFailureAt when, or {@code null}
 */
record HookQueueStats(int queued, long failures, String lastFailure, Instant lastFailureAt) {

    static final HookQueueStats NONE = new HookQueueStats(0, 0, null, null);

    HookQueueStats withQueued(int delta) {
        return new HookQueueStats(queued + delta, failures, lastFailure, lastFailureAt);
    }

    HookQueueStats withFailure(String message, Instant at) {
        return new HookQueueStats(queued, failures + 1, message, at);
    }
}
