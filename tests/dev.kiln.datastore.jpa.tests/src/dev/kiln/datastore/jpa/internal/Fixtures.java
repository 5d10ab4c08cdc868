package dev.kiln.datastore.jpa.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Tag;

/** Derivations and builds to store in tests. */
final class Fixtures {

    static final String SYSTEM = "x86_64-linux";
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private Fixtures() {
    }

    static String storePath(String name) {
        return "/nix/store/" + String.format("%032x", name.hashCode() & 0xffffffffL) + "-" + name;
    }

    static DerivationSummary derivation(String name, DerivationSummary... inputs) {
        Map<String, Set<String>> inputDerivations = new TreeMap<>();
        for (DerivationSummary input : inputs) {
            inputDerivations.put(input.path(), Set.of("out"));
        }
        return new DerivationSummary(storePath(name + ".drv"), SYSTEM, Map.of("out", storePath(name)),
                inputDerivations, Set.of(storePath(name + "-builder.sh")),
                "Derive([(\"out\",\"" + storePath(name) + "\",\"\",\"\")],[],[],\"" + SYSTEM + "\",\"/bin/sh\",[],[])");
    }

    static Build build(long sequence, DerivationSummary derivation, BuildState state, Set<Tag> tags) {
        Instant at = T0.plus(sequence, ChronoUnit.SECONDS);
        return new Build(UUID.randomUUID(), sequence, derivation.path(), derivation.system(), 0, tags, Set.of(),
                state, at, at, null, null, null, 0, null);
    }
}
