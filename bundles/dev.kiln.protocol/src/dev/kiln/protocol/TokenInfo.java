package dev.kiln.protocol;

import java.time.Instant;

/**
 * A client API token as {@code GET /api/v1/tokens} shows it: never its value. {@code label} is null when none was
 * given; {@code created} is null for a token made before tokens had creation times.
 */
public record TokenInfo(String id, String label, Instant created) {
}
