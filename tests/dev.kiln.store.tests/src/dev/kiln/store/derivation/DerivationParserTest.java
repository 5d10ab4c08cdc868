package dev.kiln.store.derivation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parser refuses everything but the canonical text Nix writes, and says what is wrong. */
class DerivationParserTest {

    private static final String OUT = "/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple";
    private static final String VALID = "Derive([(\"out\",\"" + OUT + "\",\"\",\"\")],[],[],\"x86_64-linux\",\"/bin/sh\","
            + "[\"-c\",\"true\"],[(\"builder\",\"/bin/sh\"),(\"name\",\"simple\"),(\"out\",\"" + OUT + "\"),(\"system\",\"x86_64-linux\")])";

    @Test
    void acceptsTheCanonicalText() throws Exception {
        Derivation derivation = parse(VALID);
        assertEquals(VALID, new String(derivation.toAterm(), StandardCharsets.UTF_8));
    }

    /** Each row: a change to {@link #VALID} (the first occurrence of {@code from} becomes {@code to}) and what the error says. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "Derive(|Derivation(|does not start with 'Derive('",
        "Derive([|Derive( [|at byte 7: expected '[' but found byte 0x20",
        "[\"-c\",\"true\"]|[\"-c\",\"true\",]|expected '\"' but found ']'",
        "\"true\"|\"tr\\ue\"|the escape \\u is not one Nix writes",
        "\"true\"|`\"tr\nue\"`|byte 0x0a must be escaped",
        "(\"name\",\"simple\"),|(\"name\",\"simple\"),(\"builder\",\"x\"),|'builder' comes after 'name': the list must be sorted",
        "(\"builder\",\"/bin/sh\"),|(\"builder\",\"/bin/sh\"),(\"builder\",\"/bin/sh\"),|environment variable 'builder' appears twice",
        "\"out\",\"/gnu/store/lgzx|\"out\",\"/nix/store/lgzx|output 'out': path '/nix/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple' is not in the store /gnu/store",
        "\"out\",\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",\"\",\"\"|\"out\",\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",\"r:sha3\",\"00\"|unknown hash algorithm 'r:sha3'",
        "\"out\",\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",\"\",\"\"|\"out\",\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",\"md5\",\"D41D8CD98F00B204E9800998ECF8427E\"|is not 32 lower-case base-16 digits",
        "\"out\",\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",\"\",\"\"|\"out\",\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",\"\",\"00\"|has a hash but no hash algorithm",
        "],[],[],|],[(\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",[\"out\"])],[],|does not end with .drv",
        "],[],[],|],[],[\"/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-a\",\"/gnu/store/0gzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-b\"],|input source '/gnu/store/0gzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-b' comes after",
        "Derive([(\"out\",\"" + "/gnu/store/lgzxvd5yfqbi56rnhvqxmrq6sv5gg4qw-simple\",\"\",\"\")]|Derive([]|the derivation has no outputs",
        "\"system\",\"x86_64-linux\")])|`\"system\",\"x86_64-linux\")])\n`|unexpected bytes after the end",
        "\"system\",\"x86_64-linux\")])|\"system\",\"x86_64-linux\")]|expected ')' but the text ends",
        "\"system\",\"x86_64-linux\")])|\"system\",\"x86_64-linux|a string is not terminated",
    })
    void refusesAndSaysWhatIsWrong(String from, String to, String expectedMessage) {
        assertTrue(VALID.contains(from), "the test changes something that is there: " + from);
        String changed = VALID.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));

        DerivationFormatException error = assertThrows(DerivationFormatException.class, () -> parse(changed));

        assertTrue(error.getMessage().contains(expectedMessage), error.getMessage());
    }

    @Test
    void readsAndWritesContentAddressedOutputsWhosePathsAreNotKnownYet() throws Exception {
        String floating = VALID.replace("(\"out\",\"" + OUT + "\",\"\",\"\")", "(\"out\",\"\",\"r:sha256\",\"\")");
        String deferred = VALID.replace("(\"out\",\"" + OUT + "\",\"\",\"\")", "(\"out\",\"\",\"\",\"\")");

        Derivation floatingDerivation = parse(floating);
        Derivation deferredDerivation = parse(deferred);

        assertEquals(new DerivationOutput.Floating(FileIngestionMethod.RECURSIVE, HashAlgorithm.SHA256),
                floatingDerivation.outputs().get("out"));
        assertEquals(new DerivationOutput.Deferred(), deferredDerivation.outputs().get("out"));
        assertEquals(floating, new String(floatingDerivation.toAterm(), StandardCharsets.UTF_8));
        assertEquals(deferred, new String(deferredDerivation.toAterm(), StandardCharsets.UTF_8));
        // Their paths are known only after the build, so there is nothing to compare yet.
        DerivationHasher hasher = new DerivationHasher(GoldenDerivations.resolver());
        assertEquals(Map.of(), hasher.outputPaths(floatingDerivation));
        assertEquals(List.of(), hasher.problems(deferredDerivation, Optional.empty()));
    }

    @Test
    void refusesInvalidUtf8AndSaysWhere() {
        byte[] text = VALID.replace("\"true\"", "\"tr?e\"").getBytes(StandardCharsets.UTF_8);
        int question = indexOf(text, (byte) '?');
        text[question] = (byte) 0xc3;

        DerivationFormatException error = assertThrows(DerivationFormatException.class, () -> Derivation.parse(StoreDir.GUIX, "simple", text));

        assertTrue(error.getMessage().contains("is not valid UTF-8"), error.getMessage());
        assertTrue(error.getMessage().startsWith("at byte " + (question + 3) + ":"), error.getMessage());
    }

    @Test
    void takesTheNameFromTheDrvPath() throws Exception {
        StorePath drvPath = StoreDir.GUIX.parseBaseName("m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple.drv");
        assertEquals("simple", Derivation.parse(drvPath, VALID.getBytes(StandardCharsets.UTF_8)).name());
        StorePath notDrv = StoreDir.GUIX.parseBaseName("m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple");
        DerivationFormatException error = assertThrows(DerivationFormatException.class,
                () -> Derivation.parse(notDrv, VALID.getBytes(StandardCharsets.UTF_8)));
        assertTrue(error.getMessage().contains("is not a derivation path"), error.getMessage());
    }

    private static Derivation parse(String text) throws DerivationFormatException {
        return Derivation.parse(StoreDir.GUIX, "simple", text.getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
