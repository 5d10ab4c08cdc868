package dev.kiln.protocol;

import java.time.Instant;
import java.util.List;

/**
 * One reason why a build waits: its {@code kind}, the {@code detail} in one line, and the fields of its kind (the
 * others null or empty): {@code inputs} for {@code inputs-not-built} and {@code input-failed}; {@code queue} for
 * {@code agents-busy} (null while the allocator has not queued it yet); {@code until} for {@code deferred}.
 */
public record WaitingReasonInfo(WaitingKind kind, String detail, List<InputBuildInfo> inputs, QueuePositionInfo queue,
        Instant until) {
}
