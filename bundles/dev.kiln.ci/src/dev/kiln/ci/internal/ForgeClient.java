package dev.kiln.ci.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kiln.ci.Forge;

/**
 * Posts commit statuses through each forge's API: GitHub's {@code POST /repos/{owner}/{repo}/statuses/{sha}},
 * Gitea's and Forgejo's {@code POST /api/v1/repos/{owner}/{repo}/statuses/{sha}}, GitLab's
 * {@code POST /api/v4/projects/{path}/statuses/{sha}}. Thread-safe.
 */
final class ForgeClient {

    /** How a post went: done, to try again later (the forge is down or limits the rate), or refused for good. */
    enum Outcome {
        POSTED, RETRY, REFUSED
    }

    /** Where a forge's API is, and the token to use it with. */
    record Endpoint(URI api, String token) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Forge, Endpoint> endpoints;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    ForgeClient(Map<Forge, Endpoint> endpoints) {
        this.endpoints = Map.copyOf(endpoints);
    }

    boolean reaches(Forge forge) {
        return endpoints.containsKey(forge);
    }

    Outcome post(CommitStatus status) throws InterruptedException {
        Endpoint endpoint = endpoints.get(status.forge());
        if (endpoint == null) {
            return Outcome.REFUSED;
        }
        HttpRequest request = switch (status.forge()) {
            case GITHUB -> json(endpoint, "repos/" + status.repository() + "/statuses/" + status.commit(),
                    "Bearer " + endpoint.token(), githubState(status.state()), status)
                    .header("Accept", "application/vnd.github+json").build();
            case GITEA -> json(endpoint, "api/v1/repos/" + status.repository() + "/statuses/" + status.commit(),
                    "token " + endpoint.token(), githubState(status.state()), status).build();
            case GITLAB -> gitlab(endpoint, status);
        };
        try {
            int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (code / 100 == 2) {
                return Outcome.POSTED;
            }
            return code == 429 || code == 408 || code >= 500 || code == 403 ? Outcome.RETRY : Outcome.REFUSED;
        } catch (IOException e) {
            return Outcome.RETRY;
        }
    }

    private static HttpRequest.Builder json(Endpoint endpoint, String path, String authorization, String state,
            CommitStatus status) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("state", state);
        body.put("target_url", status.targetUrl());
        body.put("description", status.description());
        body.put("context", status.context());
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

    private static String githubState(CommitStatus.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static URI resolve(URI api, String path) {
        String base = api.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }
}
