package dev.kiln.desktop.model.views;

import java.util.List;

import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.Derivation;

/**
 * What the details of a build show.
 *
 * @param derivation the parsed derivation, or {@code null} when it could not be read
 * @param problem    why something could not be read, or empty
 */
public record BuildDetails(Build build, Derivation derivation, List<TimelineEntry> timeline, String problem) {

    public BuildDetails {
        timeline = List.copyOf(timeline);
        problem = problem == null ? "" : problem;
    }
}
