package dev.kiln.protocol;

/**
 * One output of a derivation: its store path (null while a content-addressed output is not built), and for a
 * fixed-output derivation its hash ({@code hashAlgo} such as {@code r:sha256}, {@code hash} in base 16), else null.
 */
public record DerivationOutputInfo(String path, String hashAlgo, String hash) {
}
