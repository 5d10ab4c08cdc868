package dev.kiln.protocol;

import java.util.List;
import java.util.UUID;

/** The builds the agent must stop: they are not allocated to it any more. */
public record StatusAnswer(List<UUID> abandon) {
}
