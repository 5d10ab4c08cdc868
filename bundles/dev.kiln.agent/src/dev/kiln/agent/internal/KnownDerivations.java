package dev.kiln.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationOutput;

/**
 * The output paths of the derivations this agent saw last: a build whose inputs were built here (the common case
 * in a graph) is set up without asking the coordinator for their derivations. A {@code .drv} path names its text,
 * so what is remembered never goes stale. Thread-safe.
 */
final class KnownDerivations {

    static final int CAPACITY = 10_000;

    private final CoordinatorConnection connection;
    private final Map<StorePath, SortedMap<String, StorePath>> outputs = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<StorePath, SortedMap<String, StorePath>> eldest) {
            return size() > CAPACITY;
        }
    };

    KnownDerivations(CoordinatorConnection connection) {
        this.connection = connection;
    }

    /** @return the outputs of the derivation whose paths are known, by name */
    SortedMap<String, StorePath> remember(Derivation derivation) {
        SortedMap<String, StorePath> paths = new TreeMap<>();
        for (Map.Entry<String, DerivationOutput> output : derivation.outputs().entrySet()) {
            output.getValue().path().ifPresent(path -> paths.put(output.getKey(), path));
        }
        SortedMap<String, StorePath> known = Collections.unmodifiableSortedMap(paths);
        synchronized (outputs) {
            outputs.put(derivation.drvPath(), known);
        }
        return known;
    }

    /** @return the outputs of a derivation whose paths are known before it is built, by name */
    SortedMap<String, StorePath> outputs(StorePath drvPath) throws IOException {
        synchronized (outputs) {
            SortedMap<String, StorePath> known = outputs.get(drvPath);
            if (known != null) {
                return known;
            }
        }
        Derivation derivation;
        try {
            derivation = Derivation.parse(drvPath,
                    connection.derivationText(drvPath.toString()).getBytes(StandardCharsets.UTF_8));
        } catch (DerivationFormatException e) {
            throw new IOException("the coordinator's " + drvPath + " is not a derivation: " + e.getMessage(), e);
        }
        return remember(derivation);
    }
}
