package dev.kiln.protocol;

import java.util.List;

/** {@code GET /api/v1/jobsets}. */
public record JobsetList(List<JobsetInfo> jobsets) {
}
