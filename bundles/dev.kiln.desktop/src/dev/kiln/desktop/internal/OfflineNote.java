package dev.kiln.desktop.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.eclipse.swt.widgets.Control;

import dev.kiln.desktop.model.views.ConnectionState;
import dev.kiln.desktop.model.views.ConnectionSupervisor;

/**
 * What a view says of its data while the coordinator cannot be reached: that it shows what was known when the
 * connection was lost, and that it comes back by itself. Follows one session's supervisor at a time; display thread,
 * but told of changes on any thread.
 */
final class OfflineNote {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final UiUpdates updates;
    private volatile ConnectionSupervisor supervisor;
    /** When the connection was seen lost, or {@code null} while it is up. Display thread. */
    private Instant lostAt;

    /** @param changed run on the display thread when the note changes */
    OfflineNote(Control owner, Runnable changed) {
        updates = new UiUpdates(owner, () -> {
            update();
            changed.run();
        });
    }

    void follow(ConnectionSupervisor followed) {
        supervisor = followed;
        followed.addListener(() -> {
            if (supervisor == followed) {
                updates.request();
            }
        });
        updates.request();
    }

    /** Whether the coordinator cannot be reached now. */
    boolean isOffline() {
        ConnectionSupervisor followed = supervisor;
        if (followed == null) {
            return false;
        }
        ConnectionState state = followed.status().state();
        return state == ConnectionState.COORDINATOR_DOWN || state == ConnectionState.WRONG_TOKEN;
    }

    /** The sentence to put before a view's status line: empty while connected. */
    String prefix() {
        update();
        return lostAt == null ? "" : String.format(Messages.OFFLINE_NOTE, CLOCK.format(lostAt));
    }

    private void update() {
        if (!isOffline()) {
            lostAt = null;
        } else if (lostAt == null) {
            lostAt = Instant.now();
        }
    }
}
