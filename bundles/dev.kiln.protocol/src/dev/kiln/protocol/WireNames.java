package dev.kiln.protocol;

import java.util.Locale;

/** The JSON spelling of the protocol's enums: the constant's name in lower case, words joined by '-'. */
final class WireNames {

    private WireNames() {
    }

    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
