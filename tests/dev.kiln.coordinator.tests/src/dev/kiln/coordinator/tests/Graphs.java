package dev.kiln.coordinator.tests;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import dev.kiln.api.DerivationSummary;

/** Derivations for tests, each test with its own names and its own system, so that tests do not share builds. */
final class Graphs {

    private final String prefix = UUID.randomUUID().toString().substring(0, 8);
    private final String system = "test-" + prefix + "-linux";

    String system() {
        return system;
    }

    DerivationSummary derivation(String name, DerivationSummary... inputs) {
        Map<String, Set<String>> inputDerivations = new TreeMap<>();
        for (DerivationSummary input : inputs) {
            inputDerivations.put(input.path(), Set.of("out"));
        }
        String out = storePath(name);
        return new DerivationSummary(storePath(name + ".drv"), system, Map.of("out", out), inputDerivations,
                Set.of(storePath(name + "-builder.sh")),
                "Derive([(\"out\",\"" + out + "\",\"\",\"\")],[],[],\"" + system + "\",\"/bin/sh\",[],[])");
    }

    String storePath(String name) {
        String hash = String.format("%032x", (prefix + name).hashCode() & 0xffffffffL);
        return "/nix/store/" + hash + "-" + prefix + "-" + name;
    }
}
