package dev.kiln.ci.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kiln.ci.Forge;

/**
 * Posts commit statuses through each forge's API: GitHub's {@code POST /repos/{owner}/{repo}/statuses/{sha}} (or,
 * for a GitHub App, {@code POST /repos/{owner}/{repo}/check-runs}), Gitea's and Forgejo's
 * {@code POST /api/v1/repos/{owner}/{repo}/statuses/{sha}}, GitLab's {@code POST /api/v4/projects/{path}/statuses/{sha}}.
 * Reads the forges' rate-limit headers ({@code Retry-After}; GitHub's and Gitea's {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset}; GitLab's {@code RateLimit-Remaining} and {@code RateLimit-Reset}) to say how long to
 * wait before the next post. Thread-safe.
 */
final class ForgeClient {

    /** How a post went: done, to try again later (the forge is down or limits the rate), or refused for good. */
    enum Outcome {
        POSTED, RETRY, REFUSED
    }

    /**
     * How a post went, and how long the forge asks to be left alone before the next one (zero when it did not say;
     * after a post that went through, when its rate limit is spent).
     */
    record Answer(Outcome outcome, Duration pause) {
    }

    /**
     * Where a forge's API is, and the token to use it with.
     *
     * @param checkRuns on GitHub, post check runs instead of commit statuses
     */
    record Endpoint(URI api, String token, boolean checkRuns) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** The longest wait a forge's headers may impose; past it they are taken for wrong. */
    private static final Duration LONGEST_WAIT = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Forge, Endpoint> endpoints;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    ForgeClient(Map<Forge, Endpoint> endpoints, Clock clock) {
        this.endpoints = Map.copyOf(endpoints);
        this.clock = clock;
    }

    boolean reaches(Forge forge) {
        return endpoints.containsKey(forge);
    }

    Answer post(CommitStatus status) throws InterruptedException {
        Endpoint endpoint = endpoints.get(status.forge());
        if (endpoint == null) {
            return new Answer(Outcome.REFUSED, Duration.ZERO);
        }
        HttpRequest request = switch (status.forge()) {
            case GITHUB -> endpoint.checkRuns()
                    ? json(endpoint, "repos/" + status.repository() + "/check-runs", "Bearer " + endpoint.token(),
                            checkRun(status)).header("Accept", "application/vnd.github+json").build()
                    : json(endpoint, "repos/" + status.repository() + "/statuses/" + status.commit(),
                            "Bearer " + endpoint.token(), commitStatus(status))
                            .header("Accept", "application/vnd.github+json").build();
            case GITEA -> json(endpoint, "api/v1/repos/" + status.repository() + "/statuses/" + status.commit(),
                    "token " + endpoint.token(), commitStatus(status)).build();
            case GITLAB -> gitlab(endpoint, status);
        };
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return new Answer(Outcome.RETRY, Duration.ZERO);
        }
        int code = response.statusCode();
        Optional<Duration> limited = rateLimitWait(response.headers());
        if (code / 100 == 2) {
            return new Answer(Outcome.POSTED, limited.orElse(Duration.ZERO));
        }
        boolean retry = code == 429 || code == 408 || code >= 500 || code == 403 && limited.isPresent();
        return new Answer(retry ? Outcome.RETRY : Outcome.REFUSED, limited.orElse(Duration.ZERO));
    }

    /**
     * How long the forge asks to wait: its {@code Retry-After}, or the time left until its rate limit resets when none
     * is left; empty when it asks for nothing.
     */
    private Optional<Duration> rateLimitWait(HttpHeaders headers) {
        OptionalLong retryAfter = number(headers, "Retry-After");
        if (retryAfter.isPresent()) {
            return Optional.of(bounded(Duration.ofSeconds(retryAfter.getAsLong())));
        }
        for (String prefix : new String[] {"X-RateLimit-", "RateLimit-"}) {
            OptionalLong remaining = number(headers, prefix + "Remaining");
            OptionalLong reset = number(headers, prefix + "Reset");
            if (remaining.isPresent() && remaining.getAsLong() <= 0 && reset.isPresent()) {
                return Optional.of(bounded(Duration.between(clock.instant(),
                        Instant.ofEpochSecond(reset.getAsLong()))));
            }
        }
        return Optional.empty();
    }

    private static Duration bounded(Duration wait) {
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    private static OptionalLong number(HttpHeaders headers, String name) {
        Optional<String> value = headers.firstValue(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Map<String, Object> commitStatus(CommitStatus status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", status.state().name().toLowerCase(Locale.ROOT));
        body.put("target_url", status.targetUrl());
        body.put("description", status.description());
        body.put("context", status.context());
        return body;
    }

    /** A GitHub check run: in progress while pending, then completed with its conclusion. */
    private static Map<String, Object> checkRun(CommitStatus status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", status.context());
        body.put("head_sha", status.commit());
        body.put("details_url", status.targetUrl());
        body.put("external_id", Long.toString(status.evaluation()));
        if (status.state() == CommitStatus.State.PENDING) {
            body.put("status", "in_progress");
        } else {
            body.put("status", "completed");
            body.put("conclusion", status.state().name().toLowerCase(Locale.ROOT));
        }
        body.put("output", Map.of("title", status.description(), "summary", status.description()));
        return body;
    }

    private static HttpRequest.Builder json(Endpoint endpoint, String path, String authorization,
            Map<String, Object> body) {
        try {
            return HttpRequest.newBuilder(resolve(endpoint.api(), path)).timeout(TIMEOUT)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status cannot be written as JSON", e);
        }
    }

    private static HttpRequest gitlab(Endpoint endpoint, CommitStatus status) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("state", switch (status.state()) {
            case PENDING -> "pending";
            case SUCCESS -> "success";
            case FAILURE -> "failed";
        });
        query.put("name", status.context());
        query.put("target_url", status.targetUrl());
        query.put("description", status.description());
        String encoded = query.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String path = "api/v4/projects/" + URLEncoder.encode(status.repository(), StandardCharsets.UTF_8)
                + "/statuses/" + status.commit() + "?" + encoded;
        return HttpRequest.newBuilder(resolve(endpoint.api(), path)).timeout(TIMEOUT)
                .header("PRIVATE-TOKEN", endpoint.token())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static URI resolve(URI api, String path) {
        String base = api.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }
}
