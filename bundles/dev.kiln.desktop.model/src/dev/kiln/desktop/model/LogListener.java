package dev.kiln.desktop.model;

/** Hears a followed build log, on the stream's own thread. */
public interface LogListener {

    /** More of the log, decoded as UTF-8. */
    void onText(String text);

    /** The log is complete ({@code failure == null}) or could not be read further. Called at most once. */
    void onEnd(FarmException failure);
}
