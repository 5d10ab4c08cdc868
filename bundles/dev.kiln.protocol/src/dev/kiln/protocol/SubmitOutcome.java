package dev.kiln.protocol;

/**
 * What became of one submitted build: {@code created}, or nothing created because a build of the derivation exists
 * ({@code derivation-exists}), a build of its outputs exists ({@code outputs-exist}) or the coordinator holds its
 * outputs ({@code outputs-held}).
 */
public enum SubmitOutcome {
    CREATED, DERIVATION_EXISTS, OUTPUTS_EXIST, OUTPUTS_HELD;

    /** The JSON name, such as {@code outputs-held}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
