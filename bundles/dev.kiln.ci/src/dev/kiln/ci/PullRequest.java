package dev.kiln.ci;

import java.time.Instant;
import java.util.Objects;

/**
 * The pull request (a merge request on GitLab) that a jobset builds: such a jobset is made from a template jobset
 * when the request opens, and removed some time after it closes.
 *
 * @param forge      where the request lives
 * @param repository the repository it targets, as the forge names it ({@code owner/name}, or GitLab's
 *                   {@code group/project})
 * @param number     its number in that repository (GitLab's {@code iid})
 * @param url        its page on the forge, or null
 * @param template   the jobset it was made from
 * @param closedAt   when it was closed or merged, null while open
 */
public record PullRequest(Forge forge, String repository, long number, String url, String template, Instant closedAt) {

    public PullRequest {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(template, "template");
    }

    public PullRequest withClosedAt(Instant closed) {
        return new PullRequest(forge, repository, number, url, template, closed);
    }
}
