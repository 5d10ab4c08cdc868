package dev.kiln.desktop.model;

import java.util.List;

/**
 * One page of a build listing, newest first.
 *
 * @param next the cursor of the following page, or {@code null} on the last page
 */
public record BuildPage(List<Build> builds, String next) {

    public BuildPage {
        builds = List.copyOf(builds);
    }
}
