package dev.kiln.protocol;

import java.util.List;

/** {@code POST /api/v1/builds}: the derivations the coordinator lacks and the builds to create. */
public record SubmitBody(List<DerivationText> derivations, List<BuildRequest> builds) {
}
