package dev.kiln.protocol;

import java.util.Map;

/**
 * A hook bundle's configuration after a change: the PID its components read, every property set, and the
 * deployment's state once its components took the change up ({@code problem} null when they run).
 */
public record HookConfigurationInfo(String pid, Map<String, String> properties, HookDeploymentInfo deployment) {
}
