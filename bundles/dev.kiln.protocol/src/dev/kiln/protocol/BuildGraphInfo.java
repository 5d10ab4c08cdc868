package dev.kiln.protocol;

import java.util.List;
import java.util.UUID;

/**
 * The answer of {@code GET /api/v1/builds/{id}/graph}: the build's derivation, its inputs not built yet and its
 * dependents, nearest first, at most the asked number of nodes ({@code omitted} counts those left out); the
 * {@code blockingPath} runs from the build's own derivation to the input that holds it up.
 */
public record BuildGraphInfo(UUID build, List<GraphNodeInfo> nodes, List<GraphEdgeInfo> edges,
        List<String> blockingPath, int omitted) {
}
