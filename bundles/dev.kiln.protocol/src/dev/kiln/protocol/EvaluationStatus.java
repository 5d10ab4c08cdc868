package dev.kiln.protocol;

/** Where an evaluation of a jobset stands: {@code running}, {@code succeeded} or {@code failed}. */
public enum EvaluationStatus {
    RUNNING, SUCCEEDED, FAILED;

    /** The JSON name, such as {@code running}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
