package dev.kiln.api;

import java.util.UUID;

/**
 * A build in an agent's plan.
 *
 * @param buildId           the build
 * @param derivationPath    its derivation
 * @param system            its system
 * @param priority          its own priority
 * @param effectivePriority the priority it is ordered by, which the strategy may raise above its own
 * @param sequence          its submission order, the tie-breaker
 */
public record PlannedBuild(UUID buildId, String derivationPath, String system, int priority, int effectivePriority,
        long sequence) {
}
