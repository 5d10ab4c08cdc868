package dev.kiln.protocol;

import java.util.List;

/** A page of builds; {@code next} is the cursor of the following page, null on the last. */
public record BuildList(List<BuildInfo> builds, String next) {
}
