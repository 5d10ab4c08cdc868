package dev.kiln.desktop.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed derivation, with the shape of {@code nix show-derivation}'s value.
 *
 * @param outputs   output name to store path
 * @param inputDrvs input derivation path to the names of the outputs it needs
 */
public record Derivation(String path, Map<String, String> outputs, Map<String, List<String>> inputDrvs,
        List<String> inputSrcs, String system, String builder, List<String> args, Map<String, String> env) {

    public Derivation {
        outputs = Collections.unmodifiableSortedMap(new TreeMap<>(outputs == null ? Map.of() : outputs));
        inputDrvs = Collections.unmodifiableSortedMap(new TreeMap<>(inputDrvs == null ? Map.of() : inputDrvs));
        inputSrcs = List.copyOf(inputSrcs == null ? List.of() : inputSrcs);
        args = List.copyOf(args == null ? List.of() : args);
        env = Collections.unmodifiableSortedMap(new TreeMap<>(env == null ? Map.of() : env));
    }
}
