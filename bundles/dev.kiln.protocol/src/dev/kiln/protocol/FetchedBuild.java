package dev.kiln.protocol;

import java.util.UUID;

/** A build handed to an agent, with the text of its derivation and the limits it must keep (null: none known). */
public record FetchedBuild(UUID id, String derivation, String derivationText, String system,
        BuildLimitsInfo limits) {

    public FetchedBuild(UUID id, String derivation, String derivationText, String system) {
        this(id, derivation, derivationText, system, null);
    }
}
