package dev.kiln.desktop.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.swt.widgets.Control;

/**
 * Brings work done on background threads to the display thread, for one control: nothing runs once the control is
 * disposed, and requests made before a pending update ran are served by that one update.
 */
final class UiUpdates {

    private final Control owner;
    private final Runnable update;
    private final AtomicBoolean pending = new AtomicBoolean();

    UiUpdates(Control owner, Runnable update) {
        this.owner = owner;
        this.update = update;
    }

    /** Asks for one run of the update on the display thread. Any thread. */
    void request() {
        if (pending.compareAndSet(false, true)) {
            run(owner, () -> {
                pending.set(false);
                update.run();
            });
        }
    }

    /** Runs {@code task} on the display thread of {@code owner} unless it is disposed by then. Any thread. */
    static void run(Control owner, Runnable task) {
        if (owner.isDisposed()) {
            return;
        }
        try {
            owner.getDisplay().asyncExec(() -> {
                if (!owner.isDisposed()) {
                    task.run();
                }
            });
        } catch (org.eclipse.swt.SWTException e) {
            // The display was disposed between the check and the call: there is nothing left to update.
            return;
        }
    }
}
