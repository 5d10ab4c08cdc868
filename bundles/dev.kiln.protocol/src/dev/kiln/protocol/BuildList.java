package dev.kiln.protocol;

import java.util.List;

/**
 * A page of builds; {@code next} is the cursor of the following page, null on the last; {@code total} is how many
 * builds match the filters, when asked for ({@code total=true}), else null.
 */
public record BuildList(List<BuildInfo> builds, String next, Long total) {

    public BuildList(List<BuildInfo> builds, String next) {
        this(builds, next, null);
    }
}
