package dev.kiln.ci.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kiln.api.InvalidRequestException;
import dev.kiln.ci.Forge;

/** What a forge's webhook delivery says happened, read from its headers and its JSON body. */
sealed interface ForgeEvent {

    Forge forge();

    /**
     * A repository as the payload names it.
     *
     * @param fullName {@code owner/name} (GitLab: {@code group/project})
     * @param urls     the URLs it can be cloned or browsed from
     */
    record Repository(String fullName, List<String> urls) {
    }

    /** A branch moved to {@code commit}. */
    record Push(Forge forge, Repository repository, String branch, String commit) implements ForgeEvent {
    }

    enum Change {
        OPENED, UPDATED, CLOSED
    }

    /** A pull request (merge request) opened, got new commits, or closed (merged or not). */
    record PullRequestChange(Forge forge, Repository repository, long number, Change change, String sourceUrl,
            String sourceBranch, String commit, String url) implements ForgeEvent {
    }

    /** An event Kiln does not act on: a ping, a tag, a comment... */
    record Ignored(Forge forge, String event) implements ForgeEvent {
    }

    ObjectMapper JSON = new ObjectMapper();

    /** The forge that sent the delivery, by the headers each sets; Forgejo and Gitea count as Gitea. */
    static Forge forgeOf(Map<String, String> headers) {
        if (headers.containsKey("x-forgejo-event") || headers.containsKey("x-gitea-event")) {
            return Forge.GITEA;
        }
        if (headers.containsKey("x-gitlab-event")) {
            return Forge.GITLAB;
        }
        if (headers.containsKey("x-github-event")) {
            return Forge.GITHUB;
        }
        throw new InvalidRequestException("not a forge's webhook: no X-GitHub-Event, X-Gitea-Event, X-Forgejo-Event "
                + "or X-Gitlab-Event header");
    }

    /** Reads a delivery whose signature was checked. */
    static ForgeEvent parse(Forge forge, Map<String, String> headers, byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the webhook's body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRequestException("the webhook's body cannot be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidRequestException("the webhook's body is not a JSON object");
        }
        return forge == Forge.GITLAB ? gitlab(json) : githubOrGitea(forge, headers, json);
    }

    private static ForgeEvent githubOrGitea(Forge forge, Map<String, String> headers, JsonNode json) {
        String event = Optional.ofNullable(headers.get("x-forgejo-event"))
                .or(() -> Optional.ofNullable(headers.get("x-gitea-event")))
                .orElseGet(() -> headers.getOrDefault("x-github-event", ""))
                .strip().toLowerCase(Locale.ROOT);
        Repository repository = json.has("repository") ? repository(json.get("repository"), "full_name",
                "clone_url", "html_url", "ssh_url") : null;
        switch (event) {
            case "push" -> {
                String ref = text(json, "ref");
                String after = text(json, "after");
                if (!ref.startsWith("refs/heads/") || after.matches("0+") || json.path("deleted").asBoolean(false)) {
                    return new Ignored(forge, "push of " + ref);
                }
                return new Push(forge, require(repository), ref.substring("refs/heads/".length()), after);
            }
            case "pull_request", "pull_request_sync" -> {
                String action = text(json, "action");
                Change change = switch (action) {
                    case "opened", "reopened" -> Change.OPENED;
                    case "synchronize", "synchronized" -> Change.UPDATED;
                    case "closed" -> Change.CLOSED;
                    default -> null;
                };
                if (change == null) {
                    return new Ignored(forge, "pull_request " + action);
                }
                JsonNode request = object(json, "pull_request");
                JsonNode head = object(request, "head");
                JsonNode headRepository = head.path("repo");
                String sourceUrl = headRepository.path("clone_url").asText(null);
                return new PullRequestChange(forge, require(repository), number(json, "number"), change,
                        sourceUrl, text(head, "ref"), text(head, "sha"), request.path("html_url").asText(null));
            }
            default -> {
                return new Ignored(forge, event);
            }
        }
    }

    private static ForgeEvent gitlab(JsonNode json) {
        String kind = text(json, "object_kind");
        Repository repository = json.has("project")
                ? repository(json.get("project"), "path_with_namespace", "git_http_url", "web_url", "git_ssh_url")
                : null;
        switch (kind) {
            case "push" -> {
                String ref = text(json, "ref");
                String after = text(json, "after");
                if (!ref.startsWith("refs/heads/") || after.matches("0+")) {
                    return new Ignored(Forge.GITLAB, "push of " + ref);
                }
                return new Push(Forge.GITLAB, require(repository), ref.substring("refs/heads/".length()), after);
            }
            case "merge_request" -> {
                JsonNode attributes = object(json, "object_attributes");
                String action = attributes.path("action").asText("");
                Change change = switch (action) {
                    case "open", "reopen" -> Change.OPENED;
                    // An update that moved the source branch carries the commit before it: others edit the title...
                    case "update" -> attributes.hasNonNull("oldrev") ? Change.UPDATED : null;
                    case "close", "merge" -> Change.CLOSED;
                    default -> null;
                };
                if (change == null) {
                    return new Ignored(Forge.GITLAB, "merge_request " + action);
                }
                JsonNode lastCommit = attributes.path("last_commit");
                return new PullRequestChange(Forge.GITLAB, require(repository), number(attributes, "iid"), change,
                        attributes.path("source").path("git_http_url").asText(null), text(attributes, "source_branch"),
                        lastCommit.path("id").asText(null), attributes.path("url").asText(null));
            }
            default -> {
                return new Ignored(Forge.GITLAB, kind);
            }
        }
    }

    private static Repository repository(JsonNode node, String nameField, String... urlFields) {
        List<String> urls = new ArrayList<>();
        for (String field : urlFields) {
            String url = node.path(field).asText("");
            if (!url.isBlank()) {
                urls.add(url);
            }
        }
        return new Repository(text(node, nameField), urls);
    }

    private static Repository require(Repository repository) {
        if (repository == null) {
            throw new InvalidRequestException("the webhook names no repository");
        }
        return repository;
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new InvalidRequestException("the webhook has no object " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("the webhook has no " + field);
        }
        return value.asText();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || value.asLong() <= 0) {
            throw new InvalidRequestException("the webhook has no number " + field);
        }
        return value.asLong();
    }
}
