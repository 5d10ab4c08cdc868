package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs each task on its own virtual thread; one daemon thread only keeps the timers. */
public final class VirtualThreadScheduler implements Scheduler, AutoCloseable {

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "kiln-desktop-timers");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void execute(Runnable task) {
        if (!workers.isShutdown()) {
            workers.execute(task);
        }
    }

    @Override
    public AutoCloseable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = timers.schedule(() -> execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void close() {
        timers.shutdownNow();
        workers.shutdownNow();
    }
}
