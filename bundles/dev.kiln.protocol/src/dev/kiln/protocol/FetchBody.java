package dev.kiln.protocol;

import java.util.List;

/** {@code POST /agent/v1/fetch}: what the agent can take. */
public record FetchBody(List<String> systems, int freeSlots, double load) {
}
