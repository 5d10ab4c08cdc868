package dev.kiln.coordinator.internal;

import java.time.Duration;

import dev.kiln.api.BuildLimits;
import dev.kiln.api.InvalidRequestException;

/**
 * The coordinator's configuration, parsed once.
 *
 * @param agentTimeout  how long an agent may stay silent before it is lost
 * @param defaultLimits the limits of builds that do not set them
 * @param stallTimeout  how long a held build may go without a sign of life; zero for ever
 */
record CoordinatorOptions(Duration agentTimeout, BuildLimits defaultLimits, Duration stallTimeout) {

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
        if (configuration.build_stall_seconds() < 0) {
            throw new IllegalArgumentException(CoordinatorConfiguration.PID + ": build.stall.seconds must not be "
                    + "negative: " + configuration.build_stall_seconds());
        }
        return new CoordinatorOptions(Duration.ofSeconds(configuration.agent_timeout_seconds()), limits,
                Duration.ofSeconds(configuration.build_stall_seconds()));
    }

    /**
     * How often to look for lost agents and stalled builds: a fraction of the shorter timeout, so that one is noticed
     * soon after it.
     */
    Duration lostAgentCheckInterval() {
        long shortest = stallTimeout.isZero() ? agentTimeout.toMillis()
                : Math.min(agentTimeout.toMillis(), stallTimeout.toMillis());
        long millis = Math.clamp(shortest / 4, 50, 30_000);
        return Duration.ofMillis(millis);
    }
}
