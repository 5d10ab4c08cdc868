package dev.kiln.store.derivation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class DerivationTest {

    static final List<String> BASE_NAMES = GoldenDerivations.BASE_NAMES;

    @ParameterizedTest
    @FieldSource("BASE_NAMES")
    void writesEveryGoldenDerivationBackByteIdentical(String baseName) throws Exception {
        StorePath drvPath = GoldenDerivations.path(baseName);
        byte[] text = GoldenDerivations.text(drvPath);

        Derivation derivation = Derivation.parse(drvPath, text);

        assertArrayEquals(text, derivation.toAterm());
        assertEquals(drvPath, derivation.drvPath());
        assertEquals(List.of(), new DerivationHasher(GoldenDerivations.resolver()).problems(derivation, Optional.of(drvPath)));
    }

    @Test
    void readsEveryPartOfADerivation() {
        Derivation withInputs = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-with-inputs.drv"));

        assertEquals("with-inputs", withInputs.name());
        assertEquals(StoreDir.GUIX, withInputs.storeDir());
        assertEquals(Set.of("out"), withInputs.outputs().keySet());
        assertEquals(Map.of(GoldenDerivations.pathEndingWith("-flat-sha256.drv"), Set.of("out"),
                GoldenDerivations.pathEndingWith("-multi.drv"), Set.of("dev", "out")), withInputs.inputDrvs());
        assertEquals(Set.of("notes.txt", "src.txt", "srcdir"), Set.copyOf(withInputs.inputSrcs().stream().map(StorePath::name).toList()));
        assertEquals("x86_64-linux", withInputs.system());
        assertEquals("/bin/sh", withInputs.builder());
        assertEquals("-c", withInputs.args().get(0));
        assertEquals(withInputs.outputs().get("out").path().orElseThrow().toString(), withInputs.env().get("out"));

        Derivation simple = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-simple.drv"));
        assertEquals("echo \"quoted\\\\ \t tab\r\n\" > $out", simple.args().get(1));
        assertEquals("héllo wörld ✓ 𝄞", simple.env().get("greeting"));
        assertEquals("", simple.env().get("empty"));
    }

    @Test
    void readsFixedOutputs() {
        DerivationOutput flatMd5 = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-flat-md5.drv")).outputs().get("out");
        DerivationOutput.Fixed fixed = assertInstanceOf(DerivationOutput.Fixed.class, flatMd5);
        assertEquals(FileIngestionMethod.FLAT, fixed.method());
        assertEquals(HashAlgorithm.MD5, fixed.hash().algorithm());
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", fixed.base16Hash());

        Derivation recursiveSha1 = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-recursive-sha1.drv"));
        assertTrue(recursiveSha1.isFixedOutput());
        assertEquals("r:sha1", recursiveSha1.outputs().get("out").methodAndAlgorithm());
        assertFalse(GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-multi.drv")).isFixedOutput());
    }

    @Test
    void computesOutputPathsAsNix() throws Exception {
        DerivationHasher hasher = new DerivationHasher(GoldenDerivations.resolver());
        Derivation multi = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-multi.drv"));
        Map<String, StorePath> expected = new TreeMap<>();
        multi.outputs().forEach((name, output) -> expected.put(name, output.path().orElseThrow()));

        assertEquals(expected, hasher.outputPaths(multi));
        assertEquals(Set.of("multi", "multi-dev", "multi-doc"),
                new TreeSet<>(hasher.outputPaths(multi).values().stream().map(StorePath::name).toList()));
    }

    @Test
    void hashesFixedOutputInputsByTheirOutputOnly() throws Exception {
        DerivationHasher hasher = new DerivationHasher(GoldenDerivations.resolver());
        Derivation fetched = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-recursive-sha256.drv"));
        // Changing how a fixed output is fetched does not change its hash modulo, hence nothing downstream.
        Derivation refetched = new Derivation(fetched.storeDir(), fetched.name(), fetched.outputs(), fetched.inputDrvs(),
                fetched.inputSrcs(), fetched.system(), "/bin/other-fetcher", List.of(), fetched.env());

        assertEquals(hasher.hashModulo(fetched), hasher.hashModulo(refetched));
        assertEquals(List.of(), hasher.problems(refetched, Optional.empty()));
        assertFalse(hasher.problems(refetched, Optional.of(fetched.drvPath())).isEmpty(), "the .drv path still changes");
    }

    @Test
    void reportsEveryInconsistency() throws Exception {
        DerivationHasher hasher = new DerivationHasher(GoldenDerivations.resolver());
        StorePath multiPath = GoldenDerivations.pathEndingWith("-multi.drv");
        Derivation multi = GoldenDerivations.parse(multiPath);
        StorePath realDev = multi.outputs().get("dev").path().orElseThrow();
        StorePath realDoc = multi.outputs().get("doc").path().orElseThrow();
        StorePath forgedDev = StoreDir.GUIX.parseBaseName("00000000000000000000000000000000-multi-dev");
        Map<String, DerivationOutput> outputs = new TreeMap<>(multi.outputs());
        outputs.put("dev", new DerivationOutput.InputAddressed(forgedDev));
        Map<String, String> env = new TreeMap<>(multi.env());
        // Output paths hash the text with these masked, so forging them leaves the expected paths unchanged.
        env.put("doc", "/tmp/elsewhere");
        Derivation forged = new Derivation(multi.storeDir(), multi.name(), new TreeMap<>(outputs), multi.inputDrvs(),
                multi.inputSrcs(), multi.system(), multi.builder(), multi.args(), new TreeMap<>(env));

        List<String> problems = hasher.problems(forged, Optional.of(multiPath));

        assertEquals(List.of(
                "output 'dev' is " + forgedDev + ", should be " + realDev,
                "environment variable 'doc' is '/tmp/elsewhere', should be " + realDoc,
                "the derivation is at " + multiPath + " but its text belongs at " + forged.drvPath()), problems);
        DerivationFormatException refused = assertThrows(DerivationFormatException.class, () -> hasher.check(forged, multiPath));
        assertEquals(multiPath + ": " + String.join("; ", problems), refused.getMessage());
    }

    @Test
    void parsesAndChecksAClosureInputsFirstWithoutTheResolver() throws Exception {
        DerivationHasher hasher = new DerivationHasher(drvPath -> {
            throw new AssertionError("every input was checked before, so its hash is cached: " + drvPath);
        });
        for (String baseName : List.of("vghfq62lppbvhjcigrr8sknyd4skkck6-multi.drv", "fb9c3ga18z9g6024ncqw513fz30b42jk-flat-sha256.drv",
                "nka5hdpc7d4mhbjal524912aild6hdyj-with-inputs.drv")) {
            StorePath drvPath = GoldenDerivations.path(baseName);
            assertEquals(drvPath, hasher.parseAndCheck(drvPath, GoldenDerivations.text(drvPath)).drvPath());
        }
    }

    @Test
    void parseAndCheckRefusesTamperedAndMalformedTexts() {
        DerivationHasher hasher = new DerivationHasher(GoldenDerivations.resolver());
        StorePath simple = GoldenDerivations.pathEndingWith("-simple.drv");
        String text = new String(GoldenDerivations.text(simple), StandardCharsets.UTF_8);
        byte[] tampered = text.replace("héllo", "hello").getBytes(StandardCharsets.UTF_8);
        byte[] malformed = text.replace("Derive(", "Derive (").getBytes(StandardCharsets.UTF_8);

        DerivationFormatException tamperedError = assertThrows(DerivationFormatException.class, () -> hasher.parseAndCheck(simple, tampered));
        DerivationFormatException malformedError = assertThrows(DerivationFormatException.class, () -> hasher.parseAndCheck(simple, malformed));

        assertTrue(tamperedError.getMessage().startsWith(simple + ": output 'out' is "), tamperedError.getMessage());
        assertTrue(tamperedError.getMessage().contains("but its text belongs at"), tamperedError.getMessage());
        assertEquals(simple + ": at byte 6: the text does not start with 'Derive('", malformedError.getMessage());
    }

    @Test
    void refusesMixedAndMisnamedFixedOutputs() {
        DerivationHasher hasher = new DerivationHasher(GoldenDerivations.resolver());
        Derivation flat = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-flat-sha256.drv"));
        DerivationOutput fixedOutput = flat.outputs().get("out");
        StorePath other = StoreDir.GUIX.parseBaseName("00000000000000000000000000000000-flat-sha256-dev");
        Derivation mixed = withOutputs(flat, Map.of("out", fixedOutput, "dev", new DerivationOutput.InputAddressed(other)));
        Derivation misnamed = withOutputs(flat, Map.of("bin", fixedOutput));

        assertEquals(List.of("fixed outputs are mixed with other outputs"), hasher.problems(mixed, Optional.empty()));
        assertEquals(List.of("the fixed output is not named 'out'"), hasher.problems(misnamed, Optional.empty()));
    }

    @Test
    void reportsInputDerivationsThatCannotBeRead() {
        DerivationHasher hasher = new DerivationHasher(drvPath -> {
            throw new NoSuchFileException(drvPath.toString());
        });
        Derivation withInputs = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-with-inputs.drv"));

        List<String> problems = hasher.problems(withInputs, Optional.empty());

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("an input derivation cannot be read: java.nio.file.NoSuchFileException: "), problems.get(0));
        assertThrows(NoSuchFileException.class, () -> hasher.outputPaths(withInputs));
    }

    @Test
    void reportsOutputsWhoseStorePathNameWouldBeTooLong() {
        Derivation multi = GoldenDerivations.parse(GoldenDerivations.pathEndingWith("-multi.drv"));
        // The longest name a .drv can have, with an output name that pushes its path past 211 characters.
        String longName = "n".repeat(207);
        Derivation tooLong = new Derivation(multi.storeDir(), longName,
                new TreeMap<>(Map.of("out", multi.outputs().get("out"), "documentation", multi.outputs().get("doc"))),
                multi.inputDrvs(), multi.inputSrcs(), multi.system(), multi.builder(), multi.args(), multi.env());

        List<String> problems = new DerivationHasher(GoldenDerivations.resolver()).problems(tooLong, Optional.empty());

        assertEquals(List.of("output 'documentation' cannot have a store path: store path name '" + longName
                + "-documentation' is longer than 211 characters"), problems);
    }

    private static Derivation withOutputs(Derivation derivation, Map<String, DerivationOutput> outputs) {
        return new Derivation(derivation.storeDir(), derivation.name(), new TreeMap<>(outputs), derivation.inputDrvs(),
                derivation.inputSrcs(), derivation.system(), derivation.builder(), derivation.args(), derivation.env());
    }
}
