package dev.kiln.api;

import java.util.List;

/**
 * One page of a build listing.
 *
 * @param builds     the builds, newest first
 * @param nextCursor the cursor of the next page, or {@code null} when this is the last one
 */
public record BuildPage(List<Build> builds, String nextCursor) {

    public BuildPage {
        builds = List.copyOf(builds);
    }
}
