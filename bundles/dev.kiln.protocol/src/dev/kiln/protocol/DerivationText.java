package dev.kiln.protocol;

/** A derivation's store path and its ATerm text, as a client uploads it. */
public record DerivationText(String path, String text) {
}
