package dev.kiln.protocol;

import java.util.UUID;

/** A build handed to an agent, with the text of its derivation. */
public record FetchedBuild(UUID id, String derivation, String derivationText, String system) {
}
