package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.time.Instant;

/** Where view models run their background work, and their clock; tests substitute a manual one. */
public interface Scheduler {

    /** Runs {@code task} off the caller's thread, as soon as possible. */
    void execute(Runnable task);

    /** Runs {@code task} after {@code delay}; the returned handle cancels it if it has not started. */
    AutoCloseable schedule(Runnable task, Duration delay);

    Instant now();
}
