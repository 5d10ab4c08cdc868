package dev.kiln.desktop.model.views;

import java.util.List;

import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.DerivationInfo;

/**
 * What the details of a build show.
 *
 * @param derivation the parsed derivation, or {@code null} when it could not be read
 * @param waiting    why it has not started, a line a reason and detail (none when it does not wait)
 * @param problem    why something could not be read, or empty
 */
public record BuildDetails(BuildInfo build, DerivationInfo derivation, List<TimelineEntry> timeline,
        List<WaitingLine> waiting, String problem) {

    public BuildDetails {
        timeline = List.copyOf(timeline);
        waiting = List.copyOf(waiting);
        problem = problem == null ? "" : problem;
    }
}
