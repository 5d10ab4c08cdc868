package dev.kiln.protocol;

import java.util.List;

/** The builds now allocated to the agent that fetched. */
public record FetchAnswer(List<FetchedBuild> builds) {
}
