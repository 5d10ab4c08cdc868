package dev.kiln.desktop.model.views;

import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

/** What the views derive from a build. */
public final class Builds {

    private Builds() {
    }

    /** The derivation's name: its store path without the directory and the hash, for example {@code hello-2.12.drv}. */
    public static String name(BuildInfo build) {
        return nameOf(build.derivation());
    }

    /** The name of a derivation given by its store path, as {@link #name(BuildInfo)}. */
    public static String nameOf(String derivation) {
        String base = derivation.substring(derivation.lastIndexOf('/') + 1);
        int dash = base.indexOf('-');
        return dash > 0 ? base.substring(dash + 1) : base;
    }

    /** The build's tags as {@link Texts#tags} writes them. */
    public static String tagsText(BuildInfo build) {
        return Texts.tags(build.tags());
    }

    /** Whether a build in this state is over and an operator may retry it. */
    public static boolean isRetriable(BuildState state) {
        return state == BuildState.FAILED || state == BuildState.CANCELED || state == BuildState.DEPENDENCY_FAILED;
    }
}
