package dev.kiln.api;

import java.util.List;
import java.util.Objects;

/**
 * Why a build has not started: none for a build that is allocated, started or final, else one or more reasons in
 * the order of {@link WaitingKind}.
 *
 * @param build   the build, as it was when the reasons were read
 * @param reasons the reasons, empty when it does not wait
 */
public record BuildWaiting(Build build, List<WaitingReason> reasons) {

    public BuildWaiting {
        Objects.requireNonNull(build, "build");
        reasons = List.copyOf(reasons);
    }
}
