package dev.kiln.protocol;

import java.util.Map;

/** {@code GET /api/v1/builds/counts}: how many builds match, by state (states without builds absent), and all. */
public record BuildCounts(Map<BuildState, Long> states, long total) {
}
