package dev.kiln.protocol;

/** A build handed to an agent, with the text of its derivation. */
public record FetchedBuild(String id, String derivation, String derivationText, String system) {
}
