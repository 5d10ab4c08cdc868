package dev.kiln.ci;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Jobsets and their evaluations. Thread-safe. Unknown names and ids raise {@link dev.kiln.api.NotFoundException},
 * invalid definitions {@link dev.kiln.api.InvalidRequestException}.
 */
@ProviderType
public interface JobsetService {

    /** Adds a jobset; its monitor starts at once. */
    Jobset add(Jobset jobset);

    /** Replaces a jobset's definition; an evaluation under way finishes with the old one. */
    Jobset update(Jobset jobset);

    /** Removes a jobset; its builds stay. */
    void remove(String name);

    List<Jobset> list();

    Jobset get(String name);

    /**
     * Asks for an evaluation now, even if the channels have not moved. Returns at once; the evaluation runs after
     * the one under way, if any.
     */
    void evaluate(String name);

    /**
     * Asks for an evaluation now, as {@link #evaluate(String)} does; with {@code rebuildFailures}, each failed build
     * among the derivations it finds is retried, with the builds that were dependency-failed because of it.
     */
    void evaluate(String name, boolean rebuildFailures);

    /**
     * Checks the jobset's channels now and evaluates it if one moved, as its period would. Returns at once.
     */
    void refresh(String name);

    /**
     * Acts on a forge's webhook delivery, once its signature (GitHub, Gitea, Forgejo) or token (GitLab) matches one
     * of the configured secrets: a push refreshes the jobsets that follow the branch; an opened pull request becomes a
     * jobset made from each template jobset of the repository, a push to it refreshes that jobset, and closing or
     * merging it disables the jobset, which is removed once the retention time has passed.
     *
     * @param headers the request's headers, names in lower case
     * @param body    the request's body
     * @throws WebhookRejectedException when the signature or token is missing or wrong
     * @throws dev.kiln.api.InvalidRequestException when the delivery is not a forge's webhook or is malformed
     * @throws dev.kiln.api.NotFoundException when no jobset follows the repository
     */
    WebhookOutcome receiveWebhook(Map<String, String> headers, byte[] body);

    /** The jobset's evaluations, newest first. */
    List<Evaluation> evaluations(String name);

    /** The newest evaluation of each jobset that has one, by jobset name. */
    Map<String, Evaluation> latestEvaluations();

    Evaluation evaluation(long id);

    /** What the evaluation's command printed on stdout and stderr. */
    Path evaluationLog(long id);

    EvaluationSummary summary(long id);

    /** Cancels the evaluation's builds that have not finished; returns how many. */
    int cancelPending(long id);
}
