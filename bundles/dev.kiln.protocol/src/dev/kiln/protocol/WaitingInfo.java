package dev.kiln.protocol;

import java.util.List;
import java.util.UUID;

/**
 * The answer of {@code GET /api/v1/builds/{id}/waiting}: the build's state, and why it has not started, in order
 * (empty when it does not wait: allocated, started or final).
 */
public record WaitingInfo(UUID build, BuildState state, List<WaitingReasonInfo> reasons) {
}
