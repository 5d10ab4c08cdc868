package dev.kiln.api;

import java.util.Objects;

/**
 * An edge of a build's graph: {@code dependent} needs an output of {@code input}.
 *
 * @param input     the input's {@code .drv}
 * @param dependent the {@code .drv} that needs it
 */
public record GraphEdge(String input, String dependent) {

    public GraphEdge {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(dependent, "dependent");
    }
}
