package dev.kiln.store.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.testing.RealNix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The features a derivation requires, read from what {@code nix-instantiate} writes, plain and structured. */
class RequiredSystemFeaturesTest {

    @TempDir
    Path temporary;

    @Test
    void readsTheFeaturesFromTheEnvironmentAndFromStructuredAttributes() throws Exception {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        Map<String, Set<String>> features = new TreeMap<>();
        for (String[] expression : List.of(
                new String[] {"plain", "requiredSystemFeatures = [ \"kvm\" \"big-parallel\" ];"},
                new String[] {"structured", "__structuredAttrs = true; requiredSystemFeatures = [ \"nixos-test\" ];"},
                new String[] {"none", ""},
                new String[] {"structured-none", "__structuredAttrs = true;"})) {
            String text = "derivation { name = \"" + expression[0] + "\"; system = \"x86_64-linux\";"
                    + " builder = \"/bin/sh\"; args = [ \"-c\" \"echo > $out\" ]; " + expression[1] + " }";
            String drv = nix.instantiate(nix.directoryStore(), text).get(0);
            StorePath path = nix.directoryStoreDir().parsePath(drv);
            Derivation derivation = Derivation.parse(path, Files.readAllBytes(Path.of(drv)));
            features.put(derivation.name(), derivation.requiredSystemFeatures());
        }
        assertEquals(Map.of("plain", Set.of("big-parallel", "kvm"), "structured", Set.of("nixos-test"),
                "none", Set.of(), "structured-none", Set.of()), features);
    }

    @Test
    void refusesStructuredFeaturesThatAreNotAListOfStrings() {
        TreeMap<String, String> env = new TreeMap<>(Map.of("__json", "{\"requiredSystemFeatures\": \"kvm\"}"));
        StorePath out = StoreDir.NIX.parsePath("/nix/store/00000000000000000000000000000000-bad");
        Derivation derivation = new Derivation(StoreDir.NIX, "bad",
                new TreeMap<>(Map.of("out", new DerivationOutput.InputAddressed(out))), new TreeMap<>(),
                new TreeSet<>(), "x86_64-linux", "/bin/sh", List.of(), env);
        assertThrows(IllegalArgumentException.class, derivation::requiredSystemFeatures);
    }
}
