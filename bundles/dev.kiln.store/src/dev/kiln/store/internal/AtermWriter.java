package dev.kiln.store.internal;

import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationOutput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Writes derivations in Nix's ATerm form, and the variants of that form that
 * Nix hashes to compute output paths.
 */
public final class AtermWriter {

    /** For each byte, the letter of its escape after a backslash, or 0 when it is written as is. */
    private static final byte[] ESCAPES = new byte[256];

    static {
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
        ESCAPES['\t'] = 't';
    }

    private byte[] text = new byte[4096];
    private int length;

    private AtermWriter() {
    }

    /**
     * Writes a derivation.
     *
     * @param derivation     the derivation
     * @param maskOutputs    write empty strings for the output paths and for
     *                       the environment variables named after outputs, as
     *                       Nix does when it computes the output paths
     * @param replacedInputs when not null, written instead of the input
     *                       derivations: keys are the base-16 hashes modulo of
     *                       the inputs, values the outputs used
     * @return the UTF-8 bytes of the text
     */
    public static byte[] write(Derivation derivation, boolean maskOutputs, SortedMap<String, SortedSet<String>> replacedInputs) {
        AtermWriter writer = new AtermWriter();
        writer.derivation(derivation, maskOutputs, replacedInputs);
        return Arrays.copyOf(writer.text, writer.length);
    }

    private void derivation(Derivation derivation, boolean maskOutputs, SortedMap<String, SortedSet<String>> replacedInputs) {
        raw("Derive([");
        boolean first = true;
        for (Map.Entry<String, DerivationOutput> entry : derivation.outputs().entrySet()) {
            first = separator(first);
            DerivationOutput output = entry.getValue();
            raw('(');
            string(entry.getKey());
            raw(',');
            string(maskOutputs ? "" : output.path().map(StorePath::toString).orElse(""));
            raw(',');
            string(output.methodAndAlgorithm());
            raw(',');
            string(output.base16Hash());
            raw(')');
        }
        raw("],[");
        first = true;
        if (replacedInputs != null) {
            for (Map.Entry<String, SortedSet<String>> entry : replacedInputs.entrySet()) {
                first = separator(first);
                inputDerivation(entry.getKey(), entry.getValue());
            }
        } else {
            for (Map.Entry<StorePath, SortedSet<String>> entry : derivation.inputDrvs().entrySet()) {
                first = separator(first);
                inputDerivation(entry.getKey().toString(), entry.getValue());
            }
        }
        raw("],");
        stringList(derivation.inputSrcs().stream().map(StorePath::toString).toList());
        raw(',');
        string(derivation.system());
        raw(',');
        string(derivation.builder());
        raw(',');
        stringList(derivation.args());
        raw(",[");
        first = true;
        for (Map.Entry<String, String> entry : derivation.env().entrySet()) {
            first = separator(first);
            raw('(');
            string(entry.getKey());
            raw(',');
            boolean masked = maskOutputs && derivation.outputs().containsKey(entry.getKey());
            string(masked ? "" : entry.getValue());
            raw(')');
        }
        raw("])");
    }

    private void inputDerivation(String key, Collection<String> outputNames) {
        raw('(');
        string(key);
        raw(',');
        stringList(outputNames);
        raw(')');
    }

    private boolean separator(boolean first) {
        if (!first) {
            raw(',');
        }
        return false;
    }

    private void stringList(Collection<String> strings) {
        raw('[');
        boolean first = true;
        for (String string : strings) {
            first = separator(first);
            string(string);
        }
        raw(']');
    }

    /** Nix escapes exactly these five characters; every other byte is written as is. */
    private void string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensureCapacity(2 * bytes.length + 2);
        byte[] out = text;
        int at = length;
        out[at++] = '"';
        for (byte b : bytes) {
            byte escape = ESCAPES[b & 0xff];
            if (escape != 0) {
                out[at++] = '\\';
                out[at++] = escape;
            } else {
                out[at++] = b;
            }
        }
        out[at++] = '"';
        length = at;
    }

    private void raw(char c) {
        ensureCapacity(1);
        text[length++] = (byte) c;
    }

    private void raw(String ascii) {
        ensureCapacity(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            text[length++] = (byte) ascii.charAt(i);
        }
    }

    private void ensureCapacity(int more) {
        if (length + more > text.length) {
            text = Arrays.copyOf(text, Math.max(text.length * 2, length + more));
        }
    }
}
