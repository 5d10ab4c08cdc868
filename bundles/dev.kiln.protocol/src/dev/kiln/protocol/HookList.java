package dev.kiln.protocol;

import java.util.List;

/** {@code GET /api/v1/hooks}: the running hooks and the jars of the hooks directory. */
public record HookList(List<HookInfo> hooks, List<HookDeploymentInfo> deployments) {
}
