package dev.kiln.store.internal;

import java.util.Comparator;

/**
 * Orders strings as the bytes of their UTF-8 encodings compare, which is how
 * Nix's {@code std::string} keys are ordered. That is code point order; Java's
 * {@link String#compareTo(String)} compares UTF-16 units and differs from it
 * for characters beyond U+FFFF.
 */
public final class Utf8Order {

    /** The comparator; it is stateless. */
    public static final Comparator<String> COMPARATOR = Utf8Order::compare;

    private Utf8Order() {
    }

    /**
     * Compares two strings by code points.
     *
     * @param left  a string
     * @param right another string
     * @return negative, zero or positive as {@code left} sorts before, with or after {@code right}
     */
    public static int compare(String left, String right) {
        int length = Math.min(left.length(), right.length());
        for (int i = 0; i < length; i++) {
            char l = left.charAt(i);
            char r = right.charAt(i);
            if (l != r) {
                // Surrogates encode code points above every other char, so lift them above the BMP's upper range.
                return rank(l) - rank(r);
            }
        }
        return left.length() - right.length();
    }

    private static int rank(char c) {
        return Character.isSurrogate(c) ? c + 0x10000 : c;
    }
}
