package dev.kiln.store.derivation;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.internal.AtermParser;
import dev.kiln.store.internal.AtermWriter;
import dev.kiln.store.internal.JsonReader;
import dev.kiln.store.internal.Utf8Order;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A derivation, the content of a {@code .drv} file: Nix's and Guix's recipe
 * for building store paths.
 * <p>
 * The maps and sets are immutable and sorted as Nix sorts them (by the bytes
 * of their UTF-8 keys), so that {@link #toAterm()} writes exactly the text
 * Nix writes. {@link #parse(StorePath, byte[])} accepts exactly that
 * canonical text and nothing else, so a parsed derivation writes back
 * byte-identical. Strings must be valid UTF-8.
 * <p>
 * The name is not part of the text: it comes from the {@code .drv} path
 * ({@code <hash>-<name>.drv}) and names the outputs.
 *
 * @param storeDir  the store directory of every path in the derivation
 * @param name      the derivation's name, without {@code .drv}
 * @param outputs   the outputs by name
 * @param inputDrvs the input derivations, each with the names of the outputs used
 * @param inputSrcs the input sources (store paths that are not outputs of a derivation)
 * @param system    the platform, such as {@code x86_64-linux}
 * @param builder   the program to run
 * @param args      its arguments
 * @param env       its environment
 */
public record Derivation(
        StoreDir storeDir,
        String name,
        SortedMap<String, DerivationOutput> outputs,
        SortedMap<StorePath, SortedSet<String>> inputDrvs,
        SortedSet<StorePath> inputSrcs,
        String system,
        String builder,
        List<String> args,
        SortedMap<String, String> env) {

    /**
     * Validates the parts and takes immutable, sorted copies.
     *
     * @throws IllegalArgumentException if a path is outside the store
     *                                  directory, an input is not a
     *                                  {@code .drv}, or a name is invalid
     */
    public Derivation {
        Objects.requireNonNull(storeDir, "storeDir");
        StorePath.checkName(name + ".drv");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(builder, "builder");
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("derivation '" + name + "' has no outputs");
        }
        outputs.forEach((outputName, output) -> {
            StorePath.checkName(outputName);
            Objects.requireNonNull(output, "output").path().ifPresent(path -> requireInStore(storeDir, path, "output " + outputName));
        });
        inputDrvs.forEach((drvPath, outputNames) -> {
            requireInStore(storeDir, drvPath, "input derivation");
            if (!drvPath.isDerivation()) {
                throw new IllegalArgumentException("input derivation " + drvPath + " does not end with .drv");
            }
        });
        inputSrcs.forEach(source -> requireInStore(storeDir, source, "input source"));
        env.forEach((key, value) -> Objects.requireNonNull(value, "value of " + key));
        outputs = Collections.unmodifiableSortedMap(sortedCopy(outputs, Utf8Order.COMPARATOR));
        TreeMap<StorePath, SortedSet<String>> sortedInputDrvs = new TreeMap<>();
        inputDrvs.forEach((drvPath, outputNames) ->
                sortedInputDrvs.put(drvPath, Collections.unmodifiableSortedSet(sortedCopy(outputNames))));
        inputDrvs = Collections.unmodifiableSortedMap(sortedInputDrvs);
        inputSrcs = Collections.unmodifiableSortedSet(inputSrcs instanceof SortedSet<StorePath> sorted && sorted.comparator() == null
                ? new TreeSet<>(sorted) : new TreeSet<>(inputSrcs));
        args = List.copyOf(args);
        env = Collections.unmodifiableSortedMap(sortedCopy(env, Utf8Order.COMPARATOR));
    }

    /** Copies in linear time what is already sorted in Nix's order, and sorts the rest. */
    private static <K, V> TreeMap<K, V> sortedCopy(Map<K, V> map, Comparator<? super K> order) {
        if (map instanceof SortedMap<K, V> sorted && sorted.comparator() == order) {
            return new TreeMap<>(sorted);
        }
        TreeMap<K, V> copy = new TreeMap<>(order);
        copy.putAll(map);
        return copy;
    }

    private static TreeSet<String> sortedCopy(Set<String> names) {
        if (names instanceof SortedSet<String> sorted && sorted.comparator() == Utf8Order.COMPARATOR) {
            return new TreeSet<>(sorted);
        }
        TreeSet<String> copy = new TreeSet<>(Utf8Order.COMPARATOR);
        copy.addAll(names);
        return copy;
    }

    private static StorePath requireInStore(StoreDir storeDir, StorePath path, String what) {
        if (!path.storeDir().equals(storeDir)) {
            throw new IllegalArgumentException(what + " " + path + " is not in the store " + storeDir);
        }
        return path;
    }

    /**
     * Parses the text of a {@code .drv} file.
     *
     * @param drvPath the store path of the file, which gives the store
     *                directory and the name
     * @param aterm   the bytes of the file
     * @return the derivation
     * @throws DerivationFormatException if the text is not a derivation as
     *                                   Nix writes it; the message says what
     *                                   and where
     */
    public static Derivation parse(StorePath drvPath, byte[] aterm) throws DerivationFormatException {
        if (!drvPath.isDerivation()) {
            throw new DerivationFormatException(drvPath + " is not a derivation path (its name does not end with .drv)");
        }
        String drvName = drvPath.name();
        return parse(drvPath.storeDir(), drvName.substring(0, drvName.length() - ".drv".length()), aterm);
    }

    /**
     * Parses the text of a {@code .drv} file whose path is not known.
     *
     * @param storeDir the store directory its paths must be in
     * @param name     the derivation's name, without {@code .drv}
     * @param aterm    the bytes of the file
     * @return the derivation
     * @throws DerivationFormatException if the text is not a derivation as
     *                                   Nix writes it; the message says what
     *                                   and where
     */
    public static Derivation parse(StoreDir storeDir, String name, byte[] aterm) throws DerivationFormatException {
        return new AtermParser(storeDir, name, aterm).parse();
    }

    /** @return the ATerm text, byte-identical to what Nix writes */
    public byte[] toAterm() {
        return AtermWriter.write(this, false, null);
    }

    /** @return the references of the {@code .drv} file: its input sources and input derivations */
    public SortedSet<StorePath> references() {
        TreeSet<StorePath> references = new TreeSet<>(inputSrcs);
        references.addAll(inputDrvs.keySet());
        return Collections.unmodifiableSortedSet(references);
    }

    /** @return the store path of the {@code .drv} file that holds this derivation */
    public StorePath drvPath() {
        return storeDir.textPath(name + ".drv", Hash.of(HashAlgorithm.SHA256, toAterm()), references());
    }

    /** @return whether the derivation is fixed-output: it has outputs, all {@link DerivationOutput.Fixed} */
    public boolean isFixedOutput() {
        return outputs.values().stream().allMatch(DerivationOutput.Fixed.class::isInstance);
    }

    /**
     * The system features the builder needs from the machine (such as {@code kvm} or {@code big-parallel}), read
     * as Nix reads them: with structured attributes, the {@code requiredSystemFeatures} list of the
     * {@code __json} variable; else the variable {@code requiredSystemFeatures}, split on white space.
     *
     * @return the features, sorted; empty when there are none
     * @throws IllegalArgumentException if {@code __json} is not JSON or its features are not a list of strings
     */
    public SortedSet<String> requiredSystemFeatures() {
        TreeSet<String> features = new TreeSet<>();
        String json = env.get("__json");
        if (json != null) {
            if (JsonReader.read(json) instanceof Map<?, ?> attributes
                    && attributes.get("requiredSystemFeatures") instanceof Object listed) {
                if (!(listed instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
                    throw new IllegalArgumentException("requiredSystemFeatures of " + name + " is not a list of strings");
                }
                list.forEach(feature -> features.add((String) feature));
            }
        } else {
            for (String feature : env.getOrDefault("requiredSystemFeatures", "").split("\\s+")) {
                if (!feature.isEmpty()) {
                    features.add(feature);
                }
            }
        }
        return Collections.unmodifiableSortedSet(features);
    }

    /**
     * Tells the name of an output's store path: the derivation's name for
     * {@code out}, {@code <name>-<output>} otherwise.
     *
     * @param outputName an output name
     * @return the name of that output's store path
     */
    public String outputPathName(String outputName) {
        return outputName.equals("out") ? name : name + "-" + outputName;
    }
}
