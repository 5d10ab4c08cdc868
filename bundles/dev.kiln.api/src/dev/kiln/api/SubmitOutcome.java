package dev.kiln.api;

/** What a submission led to. */
public enum SubmitOutcome {
    /** A new build was created. */
    CREATED,
    /** Nothing was created: a build of the same derivation exists and the submission asked to be ignored then. */
    EXISTING_BUILD_FOR_DERIVATION,
    /** Nothing was created: a build of a derivation with the same outputs exists, as above. */
    EXISTING_BUILD_FOR_OUTPUTS,
    /** Nothing was created: the coordinator already holds every output, so no build is needed (store check). */
    OUTPUTS_HELD
}
