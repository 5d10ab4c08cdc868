package dev.kiln.protocol;

import java.util.List;

/** The derivation paths the coordinator does not have. */
public record MissingAnswer(List<String> missing) {
}
