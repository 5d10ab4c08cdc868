package dev.kiln.protocol;

import java.util.List;

/** {@code POST /api/v1/derivations/missing}: the derivation paths a client is about to submit. */
public record PathsBody(List<String> paths) {
}
