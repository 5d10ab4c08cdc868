package dev.kiln.protocol;

import java.util.List;

/** {@code POST /agent/v1/status}: the builds the agent is running. */
public record StatusBody(List<String> running) {
}
