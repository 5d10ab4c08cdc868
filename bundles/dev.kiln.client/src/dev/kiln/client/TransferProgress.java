package dev.kiln.client;

/** Told how a request body is being sent, as it goes; called on the thread that sends it. */
@FunctionalInterface
public interface TransferProgress {

    /** Told nothing. */
    TransferProgress NONE = (bytes, total) -> {
    };

    /**
     * @param bytes how many bytes of the body have been sent
     * @param total the body's size
     */
    void sent(long bytes, long total);
}
