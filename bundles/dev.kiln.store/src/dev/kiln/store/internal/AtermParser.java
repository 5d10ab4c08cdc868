package dev.kiln.store.internal;

import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationOutput;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Parses the ATerm text of a {@code .drv} file, accepting only the canonical
 * form that Nix writes: no white space, the five escapes {@code \" \\ \n \r
 * \t} and no other, every list of names or paths sorted and without
 * duplicates, base-16 hashes in lower case. Anything else is reported with
 * the offset of the first byte that is wrong, so that a parsed derivation
 * always writes back to the same bytes. One instance parses one text.
 */
public final class AtermParser {

    private static final byte[] HEADER = "Derive(".getBytes(StandardCharsets.US_ASCII);

    private final StoreDir storeDir;
    private final String name;
    private final byte[] text;
    private int position;
    private byte[] stringBuffer = new byte[256];
    private CharsetDecoder utf8;

    /**
     * @param storeDir the store directory every path must be in
     * @param name     the derivation's name
     * @param text     the bytes of the {@code .drv} file
     */
    public AtermParser(StoreDir storeDir, String name, byte[] text) {
        this.storeDir = storeDir;
        this.name = name;
        this.text = text;
    }

    /**
     * @return the derivation
     * @throws DerivationFormatException if the text is not canonical ATerm
     */
    public Derivation parse() throws DerivationFormatException {
        for (byte b : HEADER) {
            if (position >= text.length || text[position] != b) {
                throw error("the text does not start with 'Derive('");
            }
            position++;
        }
        SortedMap<String, DerivationOutput> outputs = outputs();
        expect(',');
        SortedMap<StorePath, SortedSet<String>> inputDrvs = inputDerivations();
        expect(',');
        SortedSet<StorePath> inputSrcs = new TreeSet<>();
        expect('[');
        String previousSource = null;
        while (listContinues(inputSrcs.isEmpty())) {
            int start = position;
            String source = string();
            requireAscending(previousSource, source, start, "input source");
            previousSource = source;
            inputSrcs.add(storePath(source, start, "input source"));
        }
        expect(',');
        String system = string();
        expect(',');
        String builder = string();
        expect(',');
        List<String> args = new ArrayList<>();
        expect('[');
        while (listContinues(args.isEmpty())) {
            args.add(string());
        }
        expect(',');
        SortedMap<String, String> env = new TreeMap<>(Utf8Order.COMPARATOR);
        expect('[');
        String previousKey = null;
        while (listContinues(env.isEmpty())) {
            expect('(');
            int start = position;
            String key = string();
            requireAscending(previousKey, key, start, "environment variable");
            previousKey = key;
            expect(',');
            env.put(key, string());
            expect(')');
        }
        expect(')');
        if (position != text.length) {
            throw error("unexpected bytes after the end of the derivation");
        }
        try {
            return new Derivation(storeDir, name, outputs, inputDrvs, inputSrcs, system, builder, args, env);
        } catch (IllegalArgumentException e) {
            throw new DerivationFormatException("invalid derivation: " + e.getMessage(), e);
        }
    }

    private SortedMap<String, DerivationOutput> outputs() throws DerivationFormatException {
        SortedMap<String, DerivationOutput> outputs = new TreeMap<>(Utf8Order.COMPARATOR);
        int listStart = position;
        expect('[');
        String previousName = null;
        while (listContinues(outputs.isEmpty())) {
            expect('(');
            int nameStart = position;
            String outputName = string();
            requireAscending(previousName, outputName, nameStart, "output");
            previousName = outputName;
            expect(',');
            int pathStart = position;
            String path = string();
            expect(',');
            int algorithmStart = position;
            String methodAndAlgorithm = string();
            expect(',');
            int hashStart = position;
            String base16Hash = string();
            expect(')');
            outputs.put(outputName, output(outputName, path, pathStart, methodAndAlgorithm, algorithmStart, base16Hash, hashStart));
        }
        if (outputs.isEmpty()) {
            throw errorAt(listStart, "the derivation has no outputs");
        }
        return outputs;
    }

    private DerivationOutput output(String outputName, String path, int pathStart, String methodAndAlgorithm,
            int algorithmStart, String base16Hash, int hashStart) throws DerivationFormatException {
        String what = "output '" + outputName + "'";
        if (methodAndAlgorithm.isEmpty()) {
            if (!base16Hash.isEmpty()) {
                throw errorAt(hashStart, what + " has a hash but no hash algorithm");
            }
            return path.isEmpty() ? new DerivationOutput.Deferred()
                    : new DerivationOutput.InputAddressed(storePath(path, pathStart, what));
        }
        FileIngestionMethod method = FileIngestionMethod.FLAT;
        String algorithmName = methodAndAlgorithm;
        if (methodAndAlgorithm.startsWith("r:")) {
            method = FileIngestionMethod.RECURSIVE;
            algorithmName = methodAndAlgorithm.substring(2);
        }
        HashAlgorithm algorithm = HashAlgorithm.byNixName(algorithmName).orElseThrow(
                () -> errorAt(algorithmStart, what + " has the unknown hash algorithm '" + methodAndAlgorithm + "'"));
        if (base16Hash.isEmpty()) {
            if (!path.isEmpty()) {
                throw errorAt(pathStart, what + " is content-addressed without a hash but has a path");
            }
            return new DerivationOutput.Floating(method, algorithm);
        }
        if (base16Hash.length() != algorithm.base16Length() || !isLowerCaseBase16(base16Hash)) {
            throw errorAt(hashStart, what + " hash '" + base16Hash + "' is not " + algorithm.base16Length()
                    + " lower-case base-16 digits");
        }
        StorePath storePath = storePath(path, pathStart, what);
        return new DerivationOutput.Fixed(storePath, method, Hash.parse(base16Hash, algorithm));
    }

    private static boolean isLowerCaseBase16(String hash) {
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private SortedMap<StorePath, SortedSet<String>> inputDerivations() throws DerivationFormatException {
        SortedMap<StorePath, SortedSet<String>> inputs = new TreeMap<>();
        expect('[');
        String previousPath = null;
        while (listContinues(inputs.isEmpty())) {
            expect('(');
            int pathStart = position;
            String path = string();
            requireAscending(previousPath, path, pathStart, "input derivation");
            previousPath = path;
            StorePath drvPath = storePath(path, pathStart, "input derivation");
            if (!drvPath.isDerivation()) {
                throw errorAt(pathStart, "input derivation " + path + " does not end with .drv");
            }
            expect(',');
            SortedSet<String> outputNames = new TreeSet<>(Utf8Order.COMPARATOR);
            expect('[');
            String previousOutput = null;
            while (listContinues(outputNames.isEmpty())) {
                int outputStart = position;
                String outputName = string();
                requireAscending(previousOutput, outputName, outputStart, "output of " + path);
                previousOutput = outputName;
                outputNames.add(outputName);
            }
            expect(')');
            inputs.put(drvPath, outputNames);
        }
        return inputs;
    }

    private void requireAscending(String previous, String current, int start, String what) throws DerivationFormatException {
        if (previous != null && Utf8Order.compare(previous, current) >= 0) {
            throw errorAt(start, what + " '" + current + "' "
                    + (previous.equals(current) ? "appears twice" : "comes after '" + previous + "': the list must be sorted"));
        }
    }

    /**
     * Reads the separator before the next element of a list, or its end.
     *
     * @param atStart whether no element has been read yet
     * @return whether an element follows
     */
    private boolean listContinues(boolean atStart) throws DerivationFormatException {
        if (position < text.length && text[position] == ']') {
            position++;
            return false;
        }
        if (!atStart) {
            expect(',');
        }
        return true;
    }

    private StorePath storePath(String path, int start, String what) throws DerivationFormatException {
        try {
            return storeDir.parsePath(path);
        } catch (IllegalArgumentException e) {
            throw errorAt(start, what + ": " + e.getMessage());
        }
    }

    private void expect(char expected) throws DerivationFormatException {
        if (position >= text.length) {
            throw error("expected '" + expected + "' but the text ends");
        }
        if (text[position] != expected) {
            throw error("expected '" + expected + "' but found " + describe(text[position]));
        }
        position++;
    }

    private String string() throws DerivationFormatException {
        expect('"');
        int length = 0;
        boolean ascii = true;
        while (true) {
            if (position >= text.length) {
                throw error("a string is not terminated");
            }
            byte b = text[position];
            if (b == '"') {
                position++;
                break;
            }
            if (b == '\\') {
                if (position + 1 >= text.length) {
                    throw error("a string is not terminated");
                }
                b = switch (text[position + 1]) {
                    case '"' -> '"';
                    case '\\' -> '\\';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> throw error("the escape \\" + (char) (text[position + 1] & 0xff) + " is not one Nix writes");
                };
                position += 2;
            } else {
                if (b == '\n' || b == '\r' || b == '\t') {
                    throw error(describe(b) + " must be escaped in a string");
                }
                ascii &= b >= 0;
                position++;
            }
            if (length == stringBuffer.length) {
                stringBuffer = Arrays.copyOf(stringBuffer, length * 2);
            }
            stringBuffer[length++] = b;
        }
        if (ascii) {
            return new String(stringBuffer, 0, length, StandardCharsets.ISO_8859_1);
        }
        return decodeUtf8(length);
    }

    private String decodeUtf8(int length) throws DerivationFormatException {
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(stringBuffer, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw error("the string before this point is not valid UTF-8");
        }
    }

    private static String describe(byte b) {
        int value = b & 0xff;
        return value >= 0x21 && value < 0x7f ? "'" + (char) value + "'" : String.format("byte 0x%02x", value);
    }

    private DerivationFormatException error(String message) {
        return errorAt(position, message);
    }

    private DerivationFormatException errorAt(int offset, String message) {
        return new DerivationFormatException("at byte " + offset + ": " + message);
    }
}
