package dev.kiln.coordinator.internal;

import java.time.Duration;

import dev.kiln.api.BuildLimits;
import dev.kiln.api.InvalidRequestException;

/**
 * The coordinator's configuration, parsed once.
 *
 * @param agentTimeout  how long an agent may stay silent before it is lost
 * @param defaultLimits the limits of builds that do not set them
 */
record CoordinatorOptions(Duration agentTimeout, BuildLimits defaultLimits) {

    CoordinatorOptions {
        if (agentTimeout.isNegative() || agentTimeout.isZero()) {
            throw new IllegalArgumentException(CoordinatorConfiguration.PID
                    + ": agent.timeout.seconds must be positive: " + agentTimeout.toSeconds());
        }
    }

    static CoordinatorOptions from(CoordinatorConfiguration configuration) {
        BuildLimits limits;
        try {
            limits = new BuildLimits(configuration.build_timeout_seconds(), configuration.build_max_silent_seconds(),
                    configuration.build_max_log_bytes(), configuration.build_max_output_bytes());
        } catch (InvalidRequestException e) {
            throw new IllegalArgumentException(CoordinatorConfiguration.PID + ": " + e.getMessage(), e);
        }
        return new CoordinatorOptions(Duration.ofSeconds(configuration.agent_timeout_seconds()), limits);
    }

    /** How often to look for lost agents: a fraction of the timeout, so that one is noticed soon after it. */
    Duration lostAgentCheckInterval() {
        long millis = Math.clamp(agentTimeout.toMillis() / 4, 50, 30_000);
        return Duration.ofMillis(millis);
    }
}
