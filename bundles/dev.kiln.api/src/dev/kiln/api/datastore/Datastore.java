package dev.kiln.api.datastore;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.osgi.annotation.versioning.ProviderType;

import dev.kiln.api.EventListener;
import dev.kiln.api.EventSubscription;

/**
 * The coordinator's database. Writes are serialised: one write transaction at a time, so that a transaction
 * reads what the previous one committed and event ids increase in commit order. There is one coordinator per
 * database.
 */
@ProviderType
public interface Datastore {

    /**
     * Runs {@code work} in one write transaction and commits it; rolls back if {@code work} throws, and rethrows.
     * Listeners are told of the events it appended once it committed.
     */
    <T> T write(Function<DatastoreTransaction, T> work);

    /**
     * Queues {@code work} to run in a write transaction and returns without waiting for it: it is committed after the
     * writes queued before it and before those queued after it, as {@link #write} would commit it. The stage
     * completes with what {@code work} returned once it is committed, or exceptionally if it failed. For changes whose
     * caller need not wait for the disk (a heartbeat, an allocation whose loss in a crash the agent survives).
     * This default runs the work at once, on the caller's thread.
     */
    default <T> CompletionStage<T> writeLater(Function<DatastoreTransaction, T> work) {
        try {
            return CompletableFuture.completedFuture(write(work));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs {@code work} with read access, concurrently with other reads and with the writer. */
    <T> T read(Function<DatastoreReader, T> work);

    /** Registers a listener for the events of every write transaction committed from now on. */
    EventSubscription subscribe(EventListener listener);

    /** The version of the schema, after the migrations that ran at start-up. */
    int schemaVersion();

    /** The database product, for example {@code derby} or {@code postgresql}. */
    String databaseKind();
}
