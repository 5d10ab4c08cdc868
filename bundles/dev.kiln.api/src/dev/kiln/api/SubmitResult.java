package dev.kiln.api;

import java.util.UUID;

/**
 * The answer to one submission.
 *
 * @param derivationPath the submitted derivation
 * @param outcome        what happened
 * @param buildId        the new build, or the existing one that made the submission be ignored; {@code null} for
 *                       {@link SubmitOutcome#OUTPUTS_HELD}
 * @param state          the state of that build; {@link BuildState#SUCCEEDED} for {@code OUTPUTS_HELD}
 */
public record SubmitResult(String derivationPath, SubmitOutcome outcome, UUID buildId, BuildState state) {
}
