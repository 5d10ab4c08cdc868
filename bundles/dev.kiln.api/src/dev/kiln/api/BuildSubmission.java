package dev.kiln.api;

import java.util.Objects;

/**
 * One build to submit: a derivation and how.
 *
 * @param derivationPath the {@code .drv} to build; it must be known to the coordinator or come with the request
 * @param options        priority, tags and the rest
 */
public record BuildSubmission(String derivationPath, SubmitOptions options) {

    public BuildSubmission {
        Objects.requireNonNull(derivationPath, "derivationPath");
        options = options == null ? SubmitOptions.DEFAULT : options;
    }
}
