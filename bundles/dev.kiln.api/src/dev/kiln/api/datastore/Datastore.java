package dev.kiln.api.datastore;

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

    /** Runs {@code work} with read access, concurrently with other reads and with the writer. */
    <T> T read(Function<DatastoreReader, T> work);

    /** Registers a listener for the events of every write transaction committed from now on. */
    EventSubscription subscribe(EventListener listener);

    /** The version of the schema, after the migrations that ran at start-up. */
    int schemaVersion();

    /** The database product, for example {@code derby} or {@code postgresql}. */
    String databaseKind();
}
