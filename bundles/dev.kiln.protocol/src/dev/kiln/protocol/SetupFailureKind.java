package dev.kiln.protocol;

/**
 * Why an agent could not set up a build: {@code missing-inputs}, {@code could-not-delete-outputs}, or {@code other}
 * (recorded as {@code could-not-delete-outputs} until the coordinator has a kind of its own for it).
 */
public enum SetupFailureKind {
    MISSING_INPUTS, COULD_NOT_DELETE_OUTPUTS, OTHER;

    /** The JSON name, such as {@code missing-inputs}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
