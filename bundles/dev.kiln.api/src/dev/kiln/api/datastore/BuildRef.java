package dev.kiln.api.datastore;

import java.util.UUID;

import dev.kiln.api.BuildState;

/**
 * The few fields of a build that decide dependencies, cheap to read in bulk.
 *
 * @param id             the build
 * @param derivationPath its derivation
 * @param state          its state
 * @param sequence       its submission order
 */
public record BuildRef(UUID id, String derivationPath, BuildState state, long sequence) {
}
