package dev.kiln.desktop.model.views;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.desktop.model.FarmConnector;
import dev.kiln.retry.Backoff;

/**
 * The coordinators the desktop knows and the one it shows: connecting to one closes the previous session and
 * remembers the connection. Thread-safe; listeners hear of a new session on the caller's thread.
 */
public final class DesktopSessions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopSessions.class);

    private final FarmConnector connector;
    private final Scheduler scheduler;
    private final ConnectionsFile file;
    private final Backoff backoff;
    private final List<Consumer<FarmSession>> listeners = new CopyOnWriteArrayList<>();
    private volatile FarmSession active;

    public DesktopSessions(FarmConnector connector, Scheduler scheduler, ConnectionsFile file, Backoff backoff) {
        this.connector = connector;
        this.scheduler = scheduler;
        this.file = file;
        this.backoff = backoff;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The session shown, or {@code null} before the first connection. */
    public FarmSession active() {
        return active;
    }

    /** Hears each new active session. */
    public void addListener(Consumer<FarmSession> listener) {
        listeners.add(listener);
    }

    /** The remembered connections, most recent first; none when the file cannot be read. */
    public List<SavedConnection> saved() {
        try {
            return file.load();
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}", file.path(), e.getMessage());
            return List.of();
        }
    }

    /** Makes a session with {@code target} the active one, starts it, and remembers the connection. */
    public FarmSession connect(SavedConnection target) {
        FarmSession previous = active;
        if (previous != null) {
            previous.close();
        }
        FarmSession session = new FarmSession(connector.connect(target.coordinator(), target.token()), scheduler,
                backoff);
        active = session;
        try {
            file.remember(target);
        } catch (IOException e) {
            LOG.warn("Cannot remember the connection in {}: {}", file.path(), e.getMessage());
        }
        for (Consumer<FarmSession> listener : listeners) {
            listener.accept(session);
        }
        session.start();
        return session;
    }

    @Override
    public void close() {
        FarmSession session = active;
        if (session != null) {
            session.close();
        }
    }
}
