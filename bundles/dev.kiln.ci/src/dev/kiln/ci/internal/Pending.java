package dev.kiln.ci.internal;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Build;
import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.KilnException;

/** Canceling the builds of an evaluation that have not finished. */
final class Pending {

    private static final Logger LOG = LoggerFactory.getLogger(Pending.class);

    private Pending() {
    }

    static boolean isPending(BuildState state) {
        return state.isPending() || state == BuildState.DEPENDENCY_FAILED;
    }

    /** Cancels the build if it has not finished; a build that finished meanwhile is left alone. */
    static boolean cancel(BuildService builds, UUID buildId) {
        try {
            Build build = builds.get(buildId);
            if (!isPending(build.state())) {
                return false;
            }
            builds.cancel(buildId);
            return true;
        } catch (KilnException e) {
            LOG.debug("Build {} was not canceled: {}", buildId, e.getMessage());
            return false;
        }
    }
}
