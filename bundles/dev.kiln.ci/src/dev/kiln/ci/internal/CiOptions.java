package dev.kiln.ci.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.kiln.api.InvalidRequestException;

/** The jobsets' configuration, parsed once. */
record CiOptions(Path ciDir, int maxConcurrentUpdates, int maxConcurrentEvaluations, Duration evaluationTimeout,
        List<Path> webhookSecretFiles, Duration pullRequestRetention) {

    static CiOptions from(CiConfiguration configuration) {
        if (configuration.state_dir() == null || configuration.state_dir().isBlank()) {
            throw new InvalidRequestException(CiConfiguration.PID + ": state.dir is required");
        }
        return new CiOptions(Path.of(configuration.state_dir()).resolve("ci"),
                configuration.max_concurrent_updates(), configuration.max_concurrent_evaluations(),
                Duration.ofSeconds(configuration.evaluation_timeout_seconds()),
                Arrays.stream(configuration.webhook_secret_files() == null ? new String[0]
                        : configuration.webhook_secret_files()).filter(file -> !file.isBlank()).map(Path::of).toList(),
                Duration.ofSeconds(Math.max(0, configuration.pull_request_retention_seconds())));
    }
}
