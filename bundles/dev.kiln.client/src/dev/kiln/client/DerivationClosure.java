package dev.kiln.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;

/**
 * {@code .drv} files to submit with what their builds need that a coordinator may lack: the text of every derivation
 * of their closures, and their input sources. A derivation is looked for beside the file that needs it, else in the
 * store; a source is noted with the directory of the first derivation file that needs it, where it is looked for
 * first when it is uploaded ({@link KilnClient#uploadSources}). Immutable.
 */
public final class DerivationClosure {

    private final StoreDir store;
    private final List<String> requested;
    private final Map<String, String> texts;
    private final Map<StorePath, InputSources.Needed> sources;

    private DerivationClosure(StoreDir store, List<String> requested, Map<String, String> texts,
            Map<StorePath, InputSources.Needed> sources) {
        this.store = store;
        this.requested = List.copyOf(requested);
        this.texts = Collections.unmodifiableMap(texts);
        this.sources = Collections.unmodifiableMap(sources);
    }

    /**
     * Reads the files and, depth first, the derivations they need.
     *
     * @param store the store the derivations belong to
     * @throws SubmissionException when a file given is missing, or a derivation cannot be found or read, or is not a
     *         derivation
     */
    public static DerivationClosure read(StoreDir store, List<Path> files) throws SubmissionException {
        Map<String, String> texts = new LinkedHashMap<>();
        Map<StorePath, InputSources.Needed> sources = new LinkedHashMap<>();
        List<String> requested = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new SubmissionException("no such file: " + file);
            }
            Path absolute = file.toAbsolutePath().normalize();
            String drvPath = absolute.toString().startsWith(store.path() + "/") ? absolute.toString()
                    : store.path() + "/" + absolute.getFileName();
            Deque<Map.Entry<String, Path>> pending = new ArrayDeque<>();
            pending.push(Map.entry(drvPath, absolute.getParent()));
            while (!pending.isEmpty()) {
                Map.Entry<String, Path> next = pending.pop();
                if (!texts.containsKey(next.getKey())) {
                    load(store, next.getKey(), next.getValue(), texts, sources, pending);
                }
            }
            requested.add(drvPath);
        }
        return new DerivationClosure(store, requested, texts, sources);
    }

    public StoreDir store() {
        return store;
    }

    /** The store paths of the files given, in their order. */
    public List<String> requested() {
        return requested;
    }

    /** The text of each derivation of the closures, by store path. */
    public Map<String, String> texts() {
        return texts;
    }

    /** The input sources of the closures' derivations. */
    Map<StorePath, InputSources.Needed> sources() {
        return sources;
    }

    private static void load(StoreDir store, String drvPath, Path directory, Map<String, String> texts,
            Map<StorePath, InputSources.Needed> sources, Deque<Map.Entry<String, Path>> pending)
            throws SubmissionException {
        StorePath path;
        try {
            path = store.parsePath(drvPath);
        } catch (IllegalArgumentException e) {
            throw new SubmissionException(drvPath + " is not a derivation path in " + store + ": " + e.getMessage(), e);
        }
        Path beside = directory.resolve(path.baseName());
        Path file = Files.exists(beside) ? beside : Path.of(drvPath);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SubmissionException("cannot find " + path.baseName() + " in " + directory + " nor in the store", e);
        } catch (IOException e) {
            throw new SubmissionException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Derivation derivation;
        try {
            derivation = Derivation.parse(path, bytes);
        } catch (DerivationFormatException | IllegalArgumentException e) {
            throw new SubmissionException(file + " is not a derivation: " + e.getMessage(), e);
        }
        texts.put(drvPath, new String(bytes, StandardCharsets.UTF_8));
        for (StorePath source : derivation.inputSrcs()) {
            sources.putIfAbsent(source, new InputSources.Needed(source, file.getParent(), path.baseName()));
        }
        for (StorePath input : new ArrayList<>(derivation.inputDrvs().keySet()).reversed()) {
            pending.push(Map.entry(input.toString(), file.getParent()));
        }
    }
}
