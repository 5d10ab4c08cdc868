package dev.kiln.desktop.model.tests.fake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.kiln.desktop.model.views.Scheduler;

/** Runs tasks at once on the calling thread; timed tasks run when the test advances the clock. */
public final class ManualScheduler implements Scheduler {

    private record Timed(Instant due, long order, Runnable task) {
    }

    private final List<Timed> timed = new ArrayList<>();
    private Instant now;
    private long order;

    public ManualScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public synchronized AutoCloseable schedule(Runnable task, Duration delay) {
        Timed entry = new Timed(now.plus(delay), order++, task);
        timed.add(entry);
        return () -> {
            synchronized (this) {
                timed.remove(entry);
            }
        };
    }

    /** How many timed tasks wait. */
    public synchronized int pending() {
        return timed.size();
    }

    /** Moves the clock forward, running every timed task that falls due, in time order. */
    public void advance(Duration step) {
        Instant until;
        synchronized (this) {
            until = now.plus(step);
        }
        for (int guard = 0; guard < 10_000; guard++) {
            Timed next;
            synchronized (this) {
                next = timed.stream().filter(t -> !t.due().isAfter(until))
                        .min(Comparator.comparing(Timed::due).thenComparingLong(Timed::order)).orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                timed.remove(next);
                now = next.due();
            }
            next.task().run();
        }
        throw new IllegalStateException("timed tasks keep falling due: a task reschedules itself with no delay");
    }
}
