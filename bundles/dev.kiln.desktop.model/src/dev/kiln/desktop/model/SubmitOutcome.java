package dev.kiln.desktop.model;

import java.util.UUID;

/**
 * What the coordinator did with one submitted derivation.
 *
 * @param build   the new build, or {@code null} when none was created
 * @param outcome {@code created}, {@code derivation-exists}, {@code outputs-exist} or {@code outputs-held}
 */
public record SubmitOutcome(String derivation, UUID build, String outcome) {
}
