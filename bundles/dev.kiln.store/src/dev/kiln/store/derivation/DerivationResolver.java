package dev.kiln.store.derivation;

import dev.kiln.store.StorePath;
import java.io.IOException;

/**
 * Finds the derivation stored at a {@code .drv} path, so that the hash of a
 * derivation can include the hashes of its inputs. Implementations read a
 * store, a database or a map; they must be thread-safe when the
 * {@link DerivationHasher} that uses them is shared between threads.
 */
@FunctionalInterface
public interface DerivationResolver {

    /**
     * @param drvPath the path of an input derivation
     * @return the derivation stored there
     * @throws IOException               if it cannot be read (a missing one
     *                                   is a {@link java.nio.file.NoSuchFileException})
     * @throws DerivationFormatException if its text is not a derivation
     */
    Derivation resolve(StorePath drvPath) throws IOException, DerivationFormatException;
}
