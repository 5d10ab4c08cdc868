package dev.kiln.ci.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.NotFoundException;
import dev.kiln.ci.Channel;
import dev.kiln.ci.Forge;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.ci.PullRequest;
import dev.kiln.ci.WebhookOutcome;
import dev.kiln.ci.internal.ForgeEvent.Change;
import dev.kiln.ci.internal.ForgeEvent.PullRequestChange;
import dev.kiln.ci.internal.ForgeEvent.Push;
import dev.kiln.ci.internal.ForgeEvent.Repository;

/**
 * What the forges' webhooks do to the jobsets, through the jobset service: verified first, then read, then acted on.
 * Also removes the jobsets of pull requests closed longer ago than the retention time.
 */
final class ForgeWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(ForgeWebhooks.class);

    private final JobsetService jobsets;
    private final WebhookSecrets secrets;
    private final Duration retention;
    private final Clock clock;
    private final ToIntFunction<String> closeRequest;

    /**
     * @param closeRequest what else a closed request's jobset no longer needs, once disabled: it cancels the pending
     *                     builds only that jobset wanted, and returns how many
     */
    ForgeWebhooks(JobsetService jobsets, WebhookSecrets secrets, Duration retention, Clock clock,
            ToIntFunction<String> closeRequest) {
        this.jobsets = jobsets;
        this.secrets = secrets;
        this.retention = retention;
        this.clock = clock;
        this.closeRequest = closeRequest;
    }

    WebhookOutcome receive(Map<String, String> headers, byte[] body) {
        Forge forge = ForgeEvent.forgeOf(headers);
        secrets.verify(forge, headers, body);
        ForgeEvent event = ForgeEvent.parse(forge, headers, body);
        return switch (event) {
            case Push push -> push(push);
            case PullRequestChange change -> pullRequest(change);
            case ForgeEvent.Ignored ignored -> new WebhookOutcome(forge, ignored.event(), List.of());
        };
    }

    /** Refreshes the enabled jobsets that follow the branch (of any channel) in the repository. */
    private WebhookOutcome push(Push push) {
        List<Jobset> ofRepository = ofRepository(push.repository());
        List<String> refreshed = new ArrayList<>();
        for (Jobset jobset : ofRepository) {
            boolean follows = jobset.channels().stream().anyMatch(channel ->
                    channel.branch().equals(push.branch()) && follows(channel, push.repository()));
            if (follows && jobset.enabled() && !isClosedRequest(jobset)) {
                jobsets.refresh(jobset.name());
                refreshed.add(jobset.name());
            }
        }
        LOG.info("{} push to {} of {} at {}: refreshing {}", push.forge(), push.branch(), push.repository().fullName(),
                push.commit(), refreshed);
        return new WebhookOutcome(push.forge(), "push", refreshed);
    }

    private WebhookOutcome pullRequest(PullRequestChange change) {
        List<Jobset> ofRepository = ofRepository(change.repository());
        List<String> touched = new ArrayList<>();
        Instant now = clock.instant();
        for (Jobset template : ofRepository) {
            if (!template.pullRequestTemplate() || !follows(template.channels().get(0), change.repository())) {
                continue;
            }
            PullRequest request = new PullRequest(change.forge(), change.repository().fullName(), change.number(),
                    change.url(), template.name(), null);
            Jobset wanted = template.forPullRequest(request,
                    change.sourceUrl() == null || sameRepository(change.sourceUrl(), change.repository())
                            ? template.channels().get(0).url() : change.sourceUrl(),
                    change.sourceBranch());
            Jobset existing = jobsets.list().stream().filter(j -> j.name().equals(wanted.name())).findFirst()
                    .orElse(null);
            touched.add(wanted.name());
            if (change.change() == Change.CLOSED) {
                if (existing != null && existing.pullRequest() != null && existing.pullRequest().closedAt() == null) {
                    jobsets.update(existing.withEnabled(false)
                            .withPullRequest(existing.pullRequest().withClosedAt(now)));
                    closeRequest.applyAsInt(existing.name());
                }
                continue;
            }
            if (existing == null) {
                jobsets.add(wanted);
                jobsets.evaluate(wanted.name());
            } else if (!existing.equals(wanted)) {
                jobsets.update(wanted);
                jobsets.evaluate(wanted.name());
            } else {
                jobsets.refresh(wanted.name());
            }
        }
        String event = "pull-request-" + change.change().name().toLowerCase(Locale.ROOT);
        LOG.info("{} {} #{} of {}: {}", change.forge(), event, change.number(), change.repository().fullName(), touched);
        return new WebhookOutcome(change.forge(), event, touched);
    }

    /** Removes the jobsets of pull requests closed longer ago than the retention time; returns their names. */
    List<String> removeClosedRequests() {
        Instant cutoff = clock.instant().minus(retention);
        List<String> removed = new ArrayList<>();
        for (Jobset jobset : jobsets.list()) {
            if (isClosedRequest(jobset) && !jobset.pullRequest().closedAt().isAfter(cutoff)) {
                try {
                    jobsets.remove(jobset.name());
                    removed.add(jobset.name());
                } catch (NotFoundException e) {
                    LOG.debug("Jobset {} was removed meanwhile", jobset.name());
                }
            }
        }
        if (!removed.isEmpty()) {
            LOG.info("Removed the jobsets of pull requests closed before {}: {}", cutoff, removed);
        }
        return removed;
    }

    private static boolean isClosedRequest(Jobset jobset) {
        return jobset.pullRequest() != null && jobset.pullRequest().closedAt() != null;
    }

    /** The jobsets with a channel on the repository, or a 404 if none has. */
    private List<Jobset> ofRepository(Repository repository) {
        List<Jobset> found = jobsets.list().stream()
                .filter(jobset -> jobset.channels().stream().anyMatch(channel -> follows(channel, repository)))
                .toList();
        if (found.isEmpty()) {
            throw new NotFoundException("jobset following repository", repository.fullName());
        }
        return found;
    }

    /**
     * Whether the channel clones the repository: its URL is one of the repository's (whatever the scheme, user,
     * {@code .git} suffix or case of the host), or it is a path on this machine ending in the repository's name (a
     * mirror such as {@code /srv/git/owner/name.git}).
     */
    static boolean follows(Channel channel, Repository repository) {
        String url = normalized(channel.url());
        if (repository.urls().stream().map(ForgeWebhooks::normalized).anyMatch(url::equals)) {
            return true;
        }
        boolean local = channel.url().startsWith("/") || channel.url().startsWith("file:");
        return local && url.endsWith("/" + repository.fullName().toLowerCase(Locale.ROOT));
    }

    private static boolean sameRepository(String url, Repository repository) {
        return repository.urls().stream().map(ForgeWebhooks::normalized).anyMatch(normalized(url)::equals);
    }

    /** {@code host/path} in lower case, without scheme, user, port separator's scp form, or {@code .git}. */
    static String normalized(String url) {
        String rest = url.strip();
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            try {
                URI uri = URI.create(rest.replace(" ", "%20"));
                rest = (uri.getHost() == null ? "" : uri.getHost()) + (uri.getPath() == null ? "" : uri.getPath());
            } catch (IllegalArgumentException e) {
                rest = rest.substring(scheme + 3);
            }
        } else if (!rest.startsWith("/") && rest.contains(":")) {
            // scp-like: git@host:owner/name.git
            rest = rest.substring(rest.indexOf('@') + 1).replaceFirst(":", "/");
        }
        rest = rest.toLowerCase(Locale.ROOT);
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.endsWith(".git")) {
            rest = rest.substring(0, rest.length() - 4);
        }
        return rest;
    }
}
