package dev.kiln.api;

import java.util.Objects;
import java.util.UUID;

/**
 * An input derivation of a build and the build of it that decides whether it is available: its pending build if it
 * has one, else its latest.
 *
 * @param derivationPath the input's {@code .drv}
 * @param buildId        that build
 * @param state          that build's state
 */
public record InputBuild(String derivationPath, UUID buildId, BuildState state) {

    public InputBuild {
        Objects.requireNonNull(derivationPath, "derivationPath");
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(state, "state");
    }
}
