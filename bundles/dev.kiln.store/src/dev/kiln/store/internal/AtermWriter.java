package dev.kiln.store.internal;

import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationOutput;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Writes derivations in Nix's ATerm form, and the variants of that form that
 * Nix hashes to compute output paths.
 */
public final class AtermWriter {

    private final StringBuilder text = new StringBuilder(1024);

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
        return writer.text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void derivation(Derivation derivation, boolean maskOutputs, SortedMap<String, SortedSet<String>> replacedInputs) {
        text.append("Derive([");
        boolean first = true;
        for (Map.Entry<String, DerivationOutput> entry : derivation.outputs().entrySet()) {
            first = separator(first);
            DerivationOutput output = entry.getValue();
            text.append('(');
            string(entry.getKey());
            text.append(',');
            string(maskOutputs ? "" : output.path().map(StorePath::toString).orElse(""));
            text.append(',');
            string(output.methodAndAlgorithm());
            text.append(',');
            string(output.base16Hash());
            text.append(')');
        }
        text.append("],[");
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
        text.append("],");
        stringList(derivation.inputSrcs().stream().map(StorePath::toString).toList());
        text.append(',');
        string(derivation.system());
        text.append(',');
        string(derivation.builder());
        text.append(',');
        stringList(derivation.args());
        text.append(",[");
        first = true;
        for (Map.Entry<String, String> entry : derivation.env().entrySet()) {
            first = separator(first);
            text.append('(');
            string(entry.getKey());
            text.append(',');
            boolean masked = maskOutputs && derivation.outputs().containsKey(entry.getKey());
            string(masked ? "" : entry.getValue());
            text.append(')');
        }
        text.append("])");
    }

    private void inputDerivation(String key, Collection<String> outputNames) {
        text.append('(');
        string(key);
        text.append(',');
        stringList(outputNames);
        text.append(')');
    }

    private boolean separator(boolean first) {
        if (!first) {
            text.append(',');
        }
        return false;
    }

    private void stringList(Collection<String> strings) {
        text.append('[');
        boolean first = true;
        for (String string : strings) {
            first = separator(first);
            string(string);
        }
        text.append(']');
    }

    /** Nix escapes exactly these five characters; every other byte is written as is. */
    private void string(String value) {
        text.append('"');
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(c);
            }
        }
        text.append('"');
    }
}
