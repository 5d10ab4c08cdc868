package dev.kiln.protocol;

/** An edge of a build's graph: {@code dependent} needs an output of {@code input}. */
public record GraphEdgeInfo(String input, String dependent) {
}
