package dev.kiln.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A build's derivation in its dependency graph, as far as the coordinator knows it: the inputs that are not built
 * yet (those built are counted in their dependents' {@link GraphNode#builtInputs}, not shown), and the derivations
 * whose builds need it, each with its build's state. At most a bounded number of nodes: the nearest first.
 *
 * @param buildId      the build
 * @param nodes        the derivations, the build's own first, then by distance
 * @param edges        the edges between the nodes shown
 * @param blockingPath the derivations from the build's own to the input that holds it up (a failed build, or one
 *                     pending whose own inputs are built), empty when nothing does
 * @param omitted      how many derivations were found but left out to keep the bound
 */
public record BuildGraph(UUID buildId, List<GraphNode> nodes, List<GraphEdge> edges, List<String> blockingPath,
        int omitted) {

    public BuildGraph {
        Objects.requireNonNull(buildId, "buildId");
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        blockingPath = List.copyOf(blockingPath);
    }
}
