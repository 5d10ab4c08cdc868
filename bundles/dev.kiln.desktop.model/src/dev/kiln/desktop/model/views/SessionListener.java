package dev.kiln.desktop.model.views;

/** Hears that part of a session changed; called on a background thread, read the session again to see what. */
@FunctionalInterface
public interface SessionListener {

    void changed(Topic topic);
}
