package dev.kiln.execution;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.kiln.store.StorePath;
import dev.kiln.store.nar.NarDigest;

/**
 * An output a build made, now in the store.
 *
 * @param name       the output's name, such as {@code out}
 * @param path       its store path
 * @param nar        the SHA-256 and size of its NAR
 * @param references the store paths it refers to (among the input closure and the build's outputs)
 */
public record BuiltOutput(String name, StorePath path, NarDigest nar, SortedSet<StorePath> references) {

    /** Checks the parts and takes an immutable copy. */
    public BuiltOutput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(nar, "nar");
        references = Collections.unmodifiableSortedSet(new TreeSet<>(references));
    }
}
