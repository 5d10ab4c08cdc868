package dev.kiln.desktop.model;

import java.util.List;

/**
 * One page of a build listing.
 *
 * @param next  the cursor of the following page, or {@code null} on the last page
 * @param total how many builds the listing has in all, or -1 when not asked for
 */
public record BuildPage(List<Build> builds, String next, long total) {

    public BuildPage {
        builds = List.copyOf(builds);
    }
}
