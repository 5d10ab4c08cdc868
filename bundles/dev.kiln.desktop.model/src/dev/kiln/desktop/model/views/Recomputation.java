package dev.kiln.desktop.model.views;

/**
 * Runs a computation on the scheduler when asked; requests made while it runs are folded into one more run, so that a
 * burst of changes costs at most two computations. Thread-safe.
 */
public final class Recomputation {

    private final Scheduler scheduler;
    private final Runnable computation;
    private final Object lock = new Object();
    private boolean running;
    private boolean again;

    public Recomputation(Scheduler scheduler, Runnable computation) {
        this.scheduler = scheduler;
        this.computation = computation;
    }

    public void request() {
        synchronized (lock) {
            if (running) {
                again = true;
                return;
            }
            running = true;
        }
        scheduler.execute(this::run);
    }

    private void run() {
        while (true) {
            synchronized (lock) {
                again = false;
            }
            try {
                computation.run();
            } finally {
                synchronized (lock) {
                    if (!again) {
                        running = false;
                    }
                }
            }
            synchronized (lock) {
                if (!running) {
                    return;
                }
            }
        }
    }
}
