package dev.kiln.desktop.model.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;

/**
 * The texts of {@code .drv} files and of every derivation they need, read from disk: an input is looked for beside
 * the file that needs it, then in the store. Not thread-safe.
 */
final class DerivationClosure {

    /** A derivation file that cannot be read or is not a derivation; the message names it. */
    static final class UnreadableDerivationException extends IOException {

        private static final long serialVersionUID = 1L;

        UnreadableDerivationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final StoreDir store;
    private final Map<String, String> texts = new LinkedHashMap<>();

    DerivationClosure(String storeDir) {
        this.store = new StoreDir(storeDir);
    }

    /**
     * Reads a {@code .drv} file and its inputs.
     *
     * @return the store path the file stands for: its own path when it is in the store, else the store path of its
     *         name
     */
    String add(Path file) throws UnreadableDerivationException {
        Path absolute = file.toAbsolutePath().normalize();
        String drvPath = absolute.startsWith(store.path()) ? absolute.toString()
                : store.path() + "/" + absolute.getFileName();
        Deque<Map.Entry<String, Path>> pending = new ArrayDeque<>();
        pending.push(Map.entry(drvPath, absolute.getParent()));
        while (!pending.isEmpty()) {
            Map.Entry<String, Path> next = pending.pop();
            if (!texts.containsKey(next.getKey())) {
                Path found = read(next.getKey(), next.getValue(), pending);
                if (found == null) {
                    throw new UnreadableDerivationException("cannot find " + next.getKey() + " beside "
                            + next.getValue() + " nor in the store", null);
                }
            }
        }
        return drvPath;
    }

    /** The texts read so far, by store path. */
    Map<String, String> texts() {
        return Collections.unmodifiableMap(texts);
    }

    private Path read(String drvPath, Path directory, Deque<Map.Entry<String, Path>> pending)
            throws UnreadableDerivationException {
        StorePath path;
        try {
            path = store.parsePath(drvPath);
        } catch (IllegalArgumentException e) {
            throw new UnreadableDerivationException(drvPath + " is not a derivation path in " + store + ": "
                    + e.getMessage(), e);
        }
        for (Path candidate : new Path[] {directory.resolve(path.baseName()), Path.of(drvPath)}) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(candidate);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new UnreadableDerivationException("cannot read " + candidate + ": " + e.getMessage(), e);
            }
            Derivation derivation;
            try {
                derivation = Derivation.parse(path, bytes);
            } catch (DerivationFormatException | IllegalArgumentException e) {
                throw new UnreadableDerivationException(candidate + " is not a derivation: " + e.getMessage(), e);
            }
            texts.put(drvPath, new String(bytes, StandardCharsets.UTF_8));
            for (StorePath input : derivation.inputDrvs().keySet()) {
                pending.push(Map.entry(input.toString(), candidate.getParent()));
            }
            return candidate;
        }
        return null;
    }
}
