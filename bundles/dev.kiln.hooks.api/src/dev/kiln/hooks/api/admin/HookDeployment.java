package dev.kiln.hooks.api.admin;

import java.time.Instant;

/**
 * A jar of the hooks directory and what became of it.
 *
 * @param fileName           its file name in the hooks directory
 * @param bundleSymbolicName the bundle installed from it, or {@code null} when it could not be installed
 * @param bundleVersion      that bundle's version, or {@code null}
 * @param problem            why it is not installed and started, or {@code null} when it is
 * @param at                 when it was last installed, updated, or refused
 */
public record HookDeployment(String fileName, String bundleSymbolicName, String bundleVersion, String problem,
        Instant at) {

    /** Whether the bundle is installed and was started. */
    public boolean deployed() {
        return problem == null;
    }
}
