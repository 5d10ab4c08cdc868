package dev.kiln.hooks.api.admin;

import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration of a deployed hook bundle's components, as {@link HookAdmin#configure} left it.
 *
 * @param pid        the Configuration Admin PID its components read
 * @param properties every property set, by key
 * @param deployment the deployment afterwards: its problem says whether a component still does not run
 */
public record HookConfiguration(String pid, Map<String, String> properties, HookDeployment deployment) {

    public HookConfiguration {
        properties = Map.copyOf(new TreeMap<>(properties));
    }
}
