package dev.kiln.api;

import java.util.Objects;
import java.util.UUID;

/**
 * A derivation in a build's graph, with the build of it that decides its state (its pending build if it has one,
 * else its latest).
 *
 * @param derivationPath the {@code .drv}
 * @param buildId        that build, or null when the coordinator has none (its outputs are expected to be had)
 * @param state          that build's state, or null without a build
 * @param depth          0 for the build's own derivation, n for an input n steps away, -n for a dependent n steps
 *                       away
 * @param builtInputs    how many of its inputs are built or have no build: they are counted here, not shown
 * @param blocking       whether it lies on the path that blocks the build
 */
public record GraphNode(String derivationPath, UUID buildId, BuildState state, int depth, int builtInputs,
        boolean blocking) {

    public GraphNode {
        Objects.requireNonNull(derivationPath, "derivationPath");
    }
}
