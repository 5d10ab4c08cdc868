package dev.kiln.api;

import java.util.List;

/**
 * Builds to submit together, with the derivations they need that the coordinator may not have yet (each
 * submitted derivation's closure must be known to the coordinator or be in {@code derivations}).
 *
 * @param derivations parsed derivations; those the coordinator already has are ignored
 * @param builds      the builds to create, in order
 */
public record SubmitRequest(List<DerivationSummary> derivations, List<BuildSubmission> builds) {

    public SubmitRequest {
        derivations = List.copyOf(derivations == null ? List.of() : derivations);
        builds = List.copyOf(builds == null ? List.of() : builds);
    }
}
