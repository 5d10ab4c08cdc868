package dev.kiln.hooks.api.admin;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Deploys, configures, removes and lists hooks. Deploying puts the jar into the coordinator's hooks directory, where it is
 * installed and started exactly as a jar an operator copies there; removing deletes it from there.
 *
 * <p>Thread-safe. {@link #install} and {@link #remove} return once the bundle is installed, updated or
 * uninstalled.
 */
@ProviderType
public interface HookAdmin {

    /**
     * Deploys a hook bundle under {@code fileName}, replacing the jar of that name if there is one.
     *
     * @param fileName a plain file name ending in {@code .jar}: letters, digits, {@code .}, {@code _} and
     *                 {@code -}
     * @param jar      the bundle's bytes, read to the end but not closed
     * @return what became of it: installed and started, or the problem that prevented it
     * @throws dev.kiln.api.InvalidRequestException when the file name is not acceptable
     * @throws java.io.UncheckedIOException         when the jar could not be written
     */
    HookDeployment install(String fileName, InputStream jar);

    /**
     * Removes a deployed hook bundle, found by its file name (with or without {@code .jar}), its bundle symbolic
     * name or the name of a hook it registers.
     *
     * @return the deployment that was removed
     * @throws dev.kiln.api.NotFoundException when no deployed jar matches
     */
    HookDeployment remove(String name);

    /**
     * Changes the configuration of a deployed hook bundle, found as {@link #remove} finds it, through Configuration
     * Admin under the PID its components read, and keeps it in the coordinator's state directory, so that it holds
     * after a restart. Returns once the components have taken it up, or after a few seconds when they do not.
     *
     * @param changes properties to set; an empty value removes its key; no changes read the configuration
     * @return the configuration afterwards, and the deployment's state
     * @throws dev.kiln.api.NotFoundException       when no deployed jar matches
     * @throws dev.kiln.api.InvalidRequestException when its bundle is not installed, or its components read no
     *                                              configuration, or more than one
     */
    HookConfiguration configure(String name, Map<String, String> changes);

    /** Every registered hook, deployed or built in, by name. */
    List<HookStatus> list();

    /** Every jar of the hooks directory, by file name, including those that could not be installed. */
    List<HookDeployment> deployments();
}
