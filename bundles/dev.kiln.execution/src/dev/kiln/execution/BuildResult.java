package dev.kiln.execution;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of a build.
 *
 * @param status   how it ended
 * @param message  for a failure, what went wrong, in one line for an operator; empty on success
 * @param outputs  on success, every output by name; empty otherwise
 * @param duration how long the build took
 * @param exitStatus the builder's exit status when it failed and the executor knows it, else {@code null}
 */
public record BuildResult(Status status, String message, SortedMap<String, BuiltOutput> outputs, Duration duration,
        Integer exitStatus) {

    /** A result without an exit status. */
    public BuildResult(Status status, String message, SortedMap<String, BuiltOutput> outputs, Duration duration) {
        this(status, message, outputs, duration, null);
    }

    /** Checks the parts and takes an immutable copy. */
    public BuildResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        outputs = Collections.unmodifiableSortedMap(new TreeMap<>(outputs));
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * @param status   how the build failed
     * @param message  what went wrong
     * @param duration how long the build took
     * @return a result without outputs
     */
    public static BuildResult failure(Status status, String message, Duration duration) {
        return new BuildResult(status, message, new TreeMap<>(), duration);
    }

    /** A failed builder's result, with its exit status. */
    public static BuildResult builderFailed(String message, Duration duration, int exitStatus) {
        return new BuildResult(Status.FAILED, message, new TreeMap<>(), duration, exitStatus);
    }

    /** @return whether the build succeeded */
    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** How a build ended. */
    public enum Status {
        /** The builder succeeded and every output passed the checks. */
        SUCCEEDED,
        /** The builder exited with a failure or was killed by a signal. */
        FAILED,
        /** The build ran longer than its timeout and was killed. */
        TIMED_OUT,
        /** The build was silent longer than its maximum silent time and was killed. */
        SILENT_TOO_LONG,
        /** The build wrote more log than its limit and was killed; the log stops at the limit. */
        LOG_LIMIT,
        /** The builder succeeded but an output's NAR is larger than the limit. */
        OUTPUT_LIMIT,
        /** The builder succeeded but an output is missing or has the wrong fixed-output hash. */
        OUTPUT_REJECTED
    }
}
