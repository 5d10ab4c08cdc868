package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/derivations?path=}: a derivation as {@code nix show-derivation} shows it.
 *
 * @param outputs   by output name
 * @param inputDrvs each input derivation's path with the names of the outputs needed from it
 */
public record DerivationInfo(Map<String, DerivationOutputInfo> outputs, List<String> inputSrcs,
        Map<String, List<String>> inputDrvs, String system, String builder, List<String> args,
        Map<String, String> env) {
}
