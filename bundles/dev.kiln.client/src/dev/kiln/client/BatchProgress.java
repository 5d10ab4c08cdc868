package dev.kiln.client;

/** Told of an upload of several files as it goes; called on the thread that uploads. */
@FunctionalInterface
public interface BatchProgress {

    /** Told nothing. */
    BatchProgress NONE = (files, bytes) -> TransferProgress.NONE;

    /**
     * The upload starts; not called when there is nothing to upload.
     *
     * @return told how many bytes of the whole batch have been sent, as they go
     */
    TransferProgress starting(int files, long bytes);
}
