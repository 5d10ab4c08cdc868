package dev.kiln.desktop.model;

/** A running stream (events, a followed log); closing it stops the stream and its listener hears no more. */
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
