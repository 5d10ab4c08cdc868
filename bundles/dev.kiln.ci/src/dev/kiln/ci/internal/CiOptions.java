package dev.kiln.ci.internal;

import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.kiln.api.InvalidRequestException;
import dev.kiln.ci.Forge;

/** The jobsets' configuration, parsed once. */
record CiOptions(Path ciDir, int maxConcurrentUpdates, int maxConcurrentEvaluations, EvaluationBudget evaluationBudget,
        List<Path> webhookSecretFiles, Duration pullRequestRetention, String publicUrl,
        Map<Forge, ForgeClient.Endpoint> forges, int failedJobStatuses) {

    static CiOptions from(CiConfiguration configuration) {
        if (configuration.state_dir() == null || configuration.state_dir().isBlank()) {
            throw new InvalidRequestException(CiConfiguration.PID + ": state.dir is required");
        }
        return new CiOptions(Path.of(configuration.state_dir()).resolve("ci"),
                configuration.max_concurrent_updates(), configuration.max_concurrent_evaluations(),
                new EvaluationBudget(Duration.ofSeconds(configuration.evaluation_timeout_seconds()),
                        Math.max(0, configuration.evaluation_memory_mib()) * 1024 * 1024),
                Arrays.stream(configuration.webhook_secret_files() == null ? new String[0]
                        : configuration.webhook_secret_files()).filter(file -> !file.isBlank()).map(Path::of).toList(),
                Duration.ofSeconds(Math.max(0, configuration.pull_request_retention_seconds())),
                configuration.public_url(), forges(configuration), Math.max(0, configuration.failed_job_statuses()));
    }

    /** The forges statuses go to: those with a URL and a token file. */
    private static Map<Forge, ForgeClient.Endpoint> forges(CiConfiguration configuration) {
        Map<Forge, ForgeClient.Endpoint> forges = new EnumMap<>(Forge.class);
        endpoint(configuration.github_api_url(), configuration.github_token_file(), configuration.github_check_runs())
                .ifPresent(endpoint -> forges.put(Forge.GITHUB, endpoint));
        endpoint(configuration.gitea_url(), configuration.gitea_token_file(), false)
                .ifPresent(endpoint -> forges.put(Forge.GITEA, endpoint));
        endpoint(configuration.gitlab_url(), configuration.gitlab_token_file(), false)
                .ifPresent(endpoint -> forges.put(Forge.GITLAB, endpoint));
        return forges;
    }

    private static Optional<ForgeClient.Endpoint> endpoint(String url, String tokenFile, boolean checkRuns) {
        if (url == null || url.isBlank() || tokenFile == null || tokenFile.isBlank()) {
            return Optional.empty();
        }
        try {
            String token = Files.readAllLines(Path.of(tokenFile), StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(line -> !line.isEmpty()).findFirst()
                    .orElseThrow(() -> new InvalidRequestException("the token file " + tokenFile + " is empty"));
            return Optional.of(new ForgeClient.Endpoint(URI.create(url.strip()), token, checkRuns));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the forge token in " + tokenFile, e);
        }
    }
}
