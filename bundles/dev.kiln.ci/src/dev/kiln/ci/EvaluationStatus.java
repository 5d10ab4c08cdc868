package dev.kiln.ci;

/** Where an evaluation stands. */
public enum EvaluationStatus {
    /** The channels are updated or the command runs; builds are being submitted. */
    RUNNING,
    /** The command exited with 0; every derivation it printed was submitted. */
    SUCCEEDED,
    /** A channel could not be updated, the command failed or timed out, or a derivation was refused. */
    FAILED
}
