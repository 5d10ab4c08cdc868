package dev.kiln.protocol;

/**
 * The states of a build on the wire: {@code scheduled → allocated → started → succeeded | failed}; {@code canceled}
 * from any state that is not final; {@code dependency-failed} while a build it needs has failed.
 */
public enum BuildState {
    SCHEDULED, ALLOCATED, STARTED, SUCCEEDED, FAILED, CANCELED, DEPENDENCY_FAILED;

    /** Whether the build is waiting for or holding an agent: scheduled, allocated or started. */
    public boolean isPending() {
        return this == SCHEDULED || this == ALLOCATED || this == STARTED;
    }

    /** Whether no further transition happens without an operator: succeeded, failed, canceled. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** The JSON name, such as {@code dependency-failed}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
