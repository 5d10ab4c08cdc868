package dev.kiln.api.datastore;

import java.util.Objects;
import java.util.UUID;

/**
 * A derivation an evaluation found, and the build that stands for it: one the evaluation created, or one that
 * existed already.
 *
 * @param derivationPath the derivation
 * @param buildId        its build
 */
public record EvaluationBuild(String derivationPath, UUID buildId) {

    public EvaluationBuild {
        Objects.requireNonNull(derivationPath, "derivationPath");
        Objects.requireNonNull(buildId, "buildId");
    }
}
