package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs a task once, {@code delay} after the first of any number of requests made meanwhile. */
final class Coalescer {

    private final Scheduler scheduler;
    private final Duration delay;
    private final Runnable task;
    private final AtomicBoolean pending = new AtomicBoolean();

    Coalescer(Scheduler scheduler, Duration delay, Runnable task) {
        this.scheduler = scheduler;
        this.delay = delay;
        this.task = task;
    }

    void request() {
        if (pending.compareAndSet(false, true)) {
            scheduler.schedule(() -> {
                pending.set(false);
                task.run();
            }, delay);
        }
    }
}
