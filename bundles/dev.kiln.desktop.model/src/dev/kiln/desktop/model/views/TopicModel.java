package dev.kiln.desktop.model.views;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A model whose listeners hear, on a background thread, that it changed: they read it again to see what. */
public abstract class TopicModel {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    protected void fire() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }
}
