package dev.kiln.api;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;

/**
 * A derivation as the coordinator keeps it: what the allocator and the agents need, already parsed (by the caller,
 * with {@code dev.kiln.store}: see {@link #of(Derivation, String)}), plus the ATerm text it was parsed from, kept for
 * serving it to agents. The maps and
 * sets are copied into unmodifiable collections sorted by their natural order.
 *
 * @param path             the store path of the {@code .drv}
 * @param system           the platform it builds on, for example {@code x86_64-linux}
 * @param outputs          output name to output store path
 * @param inputDerivations input {@code .drv} path to the names of the outputs of it that are needed
 * @param inputSources     store paths of the sources it needs (not built by a derivation)
 * @param aterm            the {@code .drv} file's text
 */
public record DerivationSummary(String path, String system, Map<String, String> outputs,
        Map<String, Set<String>> inputDerivations, Set<String> inputSources, String aterm) {

    /**
     * The summary of a parsed derivation.
     *
     * @param derivation a derivation parsed (and checked) with {@code dev.kiln.store}
     * @param aterm      the text it was parsed from
     * @throws InvalidRequestException when an output has no fixed path (floating content-addressed outputs)
     */
    public static DerivationSummary of(Derivation derivation, String aterm) {
        StorePath path = derivation.drvPath();
        Map<String, String> outputs = new TreeMap<>();
        derivation.outputs().forEach((name, output) -> outputs.put(name, output.path()
                .orElseThrow(() -> new InvalidRequestException(path + ": output " + name
                        + " has no path (floating content-addressed outputs are not supported)"))
                .toString()));
        Map<String, Set<String>> inputs = new TreeMap<>();
        derivation.inputDrvs().forEach((drv, names) -> inputs.put(drv.toString(), new TreeSet<>(names)));
        Set<String> sources = new TreeSet<>();
        derivation.inputSrcs().forEach(source -> sources.add(source.toString()));
        return new DerivationSummary(path.toString(), derivation.system(), outputs, inputs, sources, aterm);
    }

    public DerivationSummary {
        requireStorePath(path, "derivation path");
        if (!path.endsWith(".drv")) {
            throw new InvalidRequestException("a derivation path ends with .drv: " + path);
        }
        if (system == null || system.isBlank()) {
            throw new InvalidRequestException("derivation " + path + " has no system");
        }
        if (outputs == null || outputs.isEmpty()) {
            throw new InvalidRequestException("derivation " + path + " has no outputs");
        }
        outputs.forEach((name, outputPath) -> requireStorePath(outputPath, "output " + name + " of " + path));
        outputs = Collections.unmodifiableSortedMap(new TreeMap<>(outputs));
        TreeMap<String, Set<String>> inputs = new TreeMap<>();
        (inputDerivations == null ? Map.<String, Set<String>>of() : inputDerivations).forEach((drv, names) -> {
            requireStorePath(drv, "input derivation of " + path);
            inputs.put(drv, Collections.unmodifiableSortedSet(new TreeSet<>(names)));
        });
        inputDerivations = Collections.unmodifiableSortedMap(inputs);
        TreeSet<String> sources = new TreeSet<>(inputSources == null ? Set.of() : inputSources);
        sources.forEach(source -> requireStorePath(source, "input source of " + path));
        inputSources = Collections.unmodifiableSortedSet(sources);
        if (aterm == null || aterm.isEmpty()) {
            throw new InvalidRequestException("derivation " + path + " comes without its text");
        }
    }

    /** The store paths of the outputs. */
    public Set<String> outputPaths() {
        return Set.copyOf(outputs.values());
    }

    /**
     * The system features its builder needs ({@code requiredSystemFeatures}, plain or in structured attributes), read
     * from its text; for the many derivations whose text does not name them, without parsing it.
     *
     * @throws InvalidRequestException when the text names them but cannot be read
     */
    public Set<String> requiredSystemFeatures() {
        if (!aterm.contains("requiredSystemFeatures")) {
            return Set.of();
        }
        try {
            StorePath drvPath = new StoreDir(path.substring(0, path.lastIndexOf('/'))).parsePath(path);
            return Derivation.parse(drvPath, aterm.getBytes(StandardCharsets.UTF_8)).requiredSystemFeatures();
        } catch (DerivationFormatException | IllegalArgumentException e) {
            throw new InvalidRequestException(path + ": cannot read its required system features: " + e.getMessage());
        }
    }

    private static void requireStorePath(String path, String what) {
        if (path == null || path.length() < 3 || path.charAt(0) != '/' || path.endsWith("/")
                || path.contains("/../") || path.contains("//") || path.length() > 400) {
            throw new InvalidRequestException("invalid " + what + ": " + path);
        }
    }
}
