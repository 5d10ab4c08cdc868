package dev.kiln.desktop.model;

/** Hears the coordinator's event stream, on the stream's own thread. */
public interface EventListener {

    void onEvent(FarmEvent event);

    /**
     * The stream ended: the coordinator went away or refused the token. Called at most once, and not after the
     * subscription was closed.
     */
    void onClosed(FarmException reason);
}
