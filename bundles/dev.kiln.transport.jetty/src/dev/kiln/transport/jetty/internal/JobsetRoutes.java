package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.kiln.ci.Channel;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationSummary;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.ci.PullRequest;
import dev.kiln.ci.WebhookOutcome;
import dev.kiln.ci.WebhookRejectedException;
import dev.kiln.protocol.ChannelInfo;
import dev.kiln.protocol.CountAnswer;
import dev.kiln.protocol.EvaluateBody;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.EvaluationList;
import dev.kiln.protocol.EvaluationStatus;
import dev.kiln.protocol.EvaluationSummaryInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.JobsetList;
import dev.kiln.protocol.PullRequestInfo;
import dev.kiln.protocol.WebhookAnswer;

/**
 * {@code /api/v1/jobsets} and {@code /api/v1/evaluations}: jobsets created, changed, evaluated, disabled and removed;
 * their evaluations with summaries and logs. Also the forge hook {@code POST /jobset/NAME/hook/evaluate}.
 */
final class JobsetRoutes {

    private final Extensions extensions;
    private final long maxJsonBytes;

    JobsetRoutes(Extensions extensions, long maxJsonBytes) {
        this.extensions = extensions;
        this.maxJsonBytes = maxJsonBytes;
    }

    void jobsets(Exchange exchange, String[] parts) throws HttpFailure, IOException {
        JobsetService jobsets = extensions.requireJobsets();
        if (parts.length == 1) {
            switch (exchange.method()) {
                case "GET" -> {
                    Map<String, Evaluation> latest = jobsets.latestEvaluations();
                    exchange.json(200, new JobsetList(jobsets.list().stream()
                            .map(jobset -> info(jobset, latest.get(jobset.name()))).toList()));
                }
                case "POST" -> exchange.json(201, info(jobsets.add(jobset(exchange.readJson(JobsetInfo.class, maxJsonBytes), null)), null));
                default -> throw ClientApi.methodNotAllowed(exchange);
            }
            return;
        }
        String name = parts[1];
        if (parts.length == 2) {
            switch (exchange.method()) {
                case "GET" -> exchange.json(200, info(jobsets.get(name), jobsets.latestEvaluations().get(name)));
                case "PUT" -> {
                    Jobset old = jobsets.get(name);
                    exchange.json(200, info(jobsets.update(jobset(exchange.readJson(JobsetInfo.class, maxJsonBytes), old)), null));
                }
                case "DELETE" -> {
                    jobsets.remove(name);
                    exchange.noContent();
                }
                default -> throw ClientApi.methodNotAllowed(exchange);
            }
            return;
        }
        ClientApi.requireMethod(exchange, parts[2].equals("evaluations") ? "GET" : "POST", parts.length == 3);
        switch (parts[2]) {
            case "evaluate" -> {
                boolean rebuildFailures = exchange.readOptionalJson(EvaluateBody.class, maxJsonBytes)
                        .map(EvaluateBody::rebuildFailures).orElse(false);
                jobsets.evaluate(name, rebuildFailures);
                exchange.json(202, info(jobsets.get(name), null));
            }
            case "enable", "disable" -> {
                exchange.readEmpty(maxJsonBytes);
                Jobset jobset = jobsets.get(name).withEnabled(parts[2].equals("enable"));
                exchange.json(200, info(jobsets.update(jobset), null));
            }
            case "evaluations" -> exchange.json(200, new EvaluationList(
                    jobsets.evaluations(name).stream().map(evaluation -> info(evaluation, null)).toList()));
            default -> throw HttpFailure.notFound(exchange.path());
        }
    }

    void evaluations(Exchange exchange, String[] parts) throws HttpFailure, IOException {
        JobsetService jobsets = extensions.requireJobsets();
        if (parts.length < 2 || parts.length > 3) {
            throw HttpFailure.notFound(exchange.path());
        }
        long id = evaluationId(parts[1]);
        if (parts.length == 2) {
            ClientApi.requireMethod(exchange, "GET", true);
            exchange.json(200, info(jobsets.evaluation(id), jobsets.summary(id)));
            return;
        }
        switch (parts[2]) {
            case "log" -> {
                ClientApi.requireMethod(exchange, "GET", true);
                Path log = jobsets.evaluationLog(id);
                try (InputStream in = Files.exists(log) ? Files.newInputStream(log) : InputStream.nullInputStream()) {
                    in.transferTo(exchange.stream(200, "text/plain; charset=utf-8"));
                }
            }
            case "cancel" -> {
                ClientApi.requireMethod(exchange, "POST", true);
                exchange.readEmpty(maxJsonBytes);
                exchange.json(200, new CountAnswer(jobsets.cancelPending(id)));
            }
            default -> throw HttpFailure.notFound(exchange.path());
        }
    }

    /**
     * {@code POST /webhook}: a delivery of a forge's webhook (Forgejo, Gitea, GitHub, GitLab), authenticated by its
     * signature or token; 401 when that is wrong, 404 when no jobset follows the repository.
     */
    void webhook(Exchange exchange) throws HttpFailure, IOException {
        ClientApi.requireMethod(exchange, "POST", true);
        JobsetService jobsets = extensions.requireJobsets();
        byte[] body = exchange.readBytes(maxJsonBytes);
        WebhookOutcome outcome;
        try {
            outcome = jobsets.receiveWebhook(exchange.headers(), body);
        } catch (WebhookRejectedException e) {
            throw new HttpFailure(401, "unauthorized", e.getMessage());
        }
        exchange.json(202, new WebhookAnswer(outcome.forge().name().toLowerCase(Locale.ROOT), outcome.event(),
                outcome.jobsets()));
    }

    /** {@code POST /jobset/NAME/hook/evaluate}, what a forge calls on a push. */
    void forgeHook(Exchange exchange, String name) throws HttpFailure, IOException {
        ClientApi.requireMethod(exchange, "POST", true);
        JobsetService jobsets = extensions.requireJobsets();
        // Forges send their own JSON payload about the push; the jobset fetches the channels itself.
        try (InputStream ignored = exchange.body()) {
            ignored.skip(maxJsonBytes);
        }
        jobsets.evaluate(name);
        exchange.json(202, info(jobsets.get(name), null));
    }

    private static long evaluationId(String text) throws HttpFailure {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest("an evaluation id is a number, not " + text);
        }
    }

    private static Jobset jobset(JobsetInfo info, Jobset old) throws HttpFailure {
        if (old != null && info.name() != null && !info.name().equals(old.name())) {
            throw HttpFailure.badRequest("a jobset cannot be renamed: " + old.name() + " is not " + info.name());
        }
        if (info.periodSeconds() < 0) {
            throw HttpFailure.badRequest("periodSeconds is negative: " + info.periodSeconds());
        }
        if (info.evaluationTimeoutSeconds() != null && info.evaluationTimeoutSeconds() < 0) {
            throw HttpFailure.badRequest("evaluationTimeoutSeconds is negative: " + info.evaluationTimeoutSeconds());
        }
        List<Channel> channels = info.channels() == null ? List.of()
                : info.channels().stream().map(c -> new Channel(c.name(), c.url(), c.branch())).toList();
        return new Jobset(old != null ? old.name() : info.name(), channels, info.evaluationCommand(), info.storeDir(),
                info.storeRoot(), Duration.ofSeconds(info.periodSeconds()), info.priority(),
                Wire.tags(info.tags() == null ? Map.of() : info.tags()),
                info.enabled() == null || info.enabled(),
                info.maxBuildsPerEvaluation() == null ? Jobset.DEFAULT_MAX_BUILDS : info.maxBuildsPerEvaluation(),
                info.supersede() != null ? info.supersede() : old == null || old.supersede(),
                info.pullRequestTemplate() != null ? info.pullRequestTemplate() : old != null && old.pullRequestTemplate(),
                old == null ? null : old.pullRequest(),
                info.evaluationTimeoutSeconds() != null ? Duration.ofSeconds(info.evaluationTimeoutSeconds())
                        : old == null ? null : old.evaluationTimeout());
    }

    private static JobsetInfo info(Jobset jobset, Evaluation lastEvaluation) {
        return new JobsetInfo(jobset.name(),
                jobset.channels().stream().map(c -> new ChannelInfo(c.name(), c.url(), c.branch())).toList(),
                jobset.evaluationCommand(), jobset.storeDir(), jobset.storeRoot(), jobset.period().toSeconds(),
                jobset.priority(), Wire.tags(jobset.tags()), jobset.enabled(), jobset.maxBuildsPerEvaluation(),
                jobset.supersede(), jobset.pullRequestTemplate(), info(jobset.pullRequest()),
                lastEvaluation == null ? null : info(lastEvaluation, null),
                jobset.evaluationTimeout() == null ? null : jobset.evaluationTimeout().toSeconds());
    }

    private static PullRequestInfo info(PullRequest request) {
        return request == null ? null : new PullRequestInfo(request.forge().name().toLowerCase(Locale.ROOT),
                request.repository(), request.number(), request.url(), request.template(), request.closedAt());
    }

    private static EvaluationInfo info(Evaluation evaluation, EvaluationSummary summary) {
        return new EvaluationInfo(evaluation.id(), evaluation.jobset(), evaluation.commits(),
                evaluation.startedAt(), evaluation.finishedAt(),
                EvaluationStatus.valueOf(evaluation.status().name()), evaluation.derivationsFound(),
                evaluation.buildsSubmitted(), evaluation.error(),
                summary == null ? null : new EvaluationSummaryInfo(summary.succeeded(), summary.failed(),
                        summary.pending(), summary.canceled(), summary.newlyFailing()));
    }
}
