package dev.kiln.protocol;

import java.util.UUID;

/**
 * A derivation of a build's graph: the build that decides its state (null with {@code state} when the coordinator
 * has none), its {@code depth} (0 the build's own, n an input n steps away, -n a dependent), how many of its inputs
 * are built and so not shown ({@code builtInputs}), and whether it lies on the path that blocks the build.
 */
public record GraphNodeInfo(String derivation, UUID build, BuildState state, int depth, int builtInputs,
        boolean blocking) {
}
