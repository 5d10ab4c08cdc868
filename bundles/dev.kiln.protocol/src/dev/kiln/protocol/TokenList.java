package dev.kiln.protocol;

import java.util.List;

/** {@code GET /api/v1/tokens}: the stored client tokens, oldest first. */
public record TokenList(List<TokenInfo> tokens) {
}
