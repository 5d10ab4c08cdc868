package dev.kiln.cache.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An object being read.
 *
 * @param size   its size in bytes
 * @param stream its bytes from the first; closed by whoever opened the object
 */
public record ObjectStream(long size, InputStream stream) implements Closeable {

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
