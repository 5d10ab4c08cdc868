package dev.kiln.cache.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A flat store of immutable objects named by keys such as {@code nars/<hash>.nar.zst}: a key is one or more segments
 * of {@code [A-Za-z0-9._+=-]}, separated by {@code /}, none of them {@code .} or {@code ..}. An object is either
 * wholly there or not at all: a reader never sees one that is being put. Thread-safe: any method may be called from
 * any thread at any time.
 *
 * <p>Errors of the store itself (unreachable, refused, misconfigured) are {@link StoreUnavailableException}s; a
 * missing object is no error but an empty answer.
 */
@ConsumerType
public interface ObjectStore extends AutoCloseable {

    /** Where the objects are, for messages: a directory, or {@code s3://bucket/prefix at endpoint}. */
    String location();

    /** Checks that objects can be written, read and deleted now: used once at start, to fail early and clearly. */
    void check() throws IOException;

    /**
     * Takes a local file as the object {@code key}, replacing any object of that key; the file is gone afterwards.
     * The object is complete and durable when this returns; if it throws, the key holds what it held before (or
     * nothing), never part of the file.
     */
    void put(String key, Path file) throws IOException;

    /** The object's bytes, if it exists; the caller closes the stream. */
    Optional<ObjectStream> open(String key) throws IOException;

    /** The object's size in bytes, if it exists. */
    OptionalLong size(String key) throws IOException;

    /** Deletes an object; returns false when there was none. */
    boolean delete(String key) throws IOException;

    /** Hands every object whose key starts with {@code prefix} to {@code each}, in no particular order. */
    void list(String prefix, Consumer<StoredObject> each) throws IOException;

    /** Releases connections and threads; the store is not used afterwards. */
    @Override
    void close();
}
