package dev.kiln.protocol;

import java.time.Instant;

/** A new client API token, shown once, with what {@code GET /api/v1/tokens} shows of it from then on. */
public record TokenAnswer(String token, String id, String label, Instant created) {
}
