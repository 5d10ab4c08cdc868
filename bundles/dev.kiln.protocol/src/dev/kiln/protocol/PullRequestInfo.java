package dev.kiln.protocol;

import java.time.Instant;

/**
 * The pull request a jobset builds; {@code forge} is {@code github}, {@code gitea} or {@code gitlab}, {@code closedAt}
 * null while it is open.
 */
public record PullRequestInfo(String forge, String repository, long number, String url, String template,
        Instant closedAt) {
}
