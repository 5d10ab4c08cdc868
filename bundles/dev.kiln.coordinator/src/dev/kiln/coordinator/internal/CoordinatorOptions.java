package dev.kiln.coordinator.internal;

import java.time.Duration;

/**
 * The coordinator's configuration, parsed once.
 *
 * @param agentTimeout how long an agent may stay silent before it is lost
 */
record CoordinatorOptions(Duration agentTimeout) {

    CoordinatorOptions {
        if (agentTimeout.isNegative() || agentTimeout.isZero()) {
            throw new IllegalArgumentException(CoordinatorConfiguration.PID
                    + ": agent.timeout.seconds must be positive: " + agentTimeout.toSeconds());
        }
    }

    static CoordinatorOptions from(CoordinatorConfiguration configuration) {
        return new CoordinatorOptions(Duration.ofSeconds(configuration.agent_timeout_seconds()));
    }

    /** How often to look for lost agents: a fraction of the timeout, so that one is noticed soon after it. */
    Duration lostAgentCheckInterval() {
        long millis = Math.clamp(agentTimeout.toMillis() / 4, 50, 30_000);
        return Duration.ofMillis(millis);
    }
}
