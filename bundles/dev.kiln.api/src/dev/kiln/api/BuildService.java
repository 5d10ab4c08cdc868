package dev.kiln.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Builds, for clients and operators: submit, list, count, show, cancel, retry, change priority, tag.
 *
 * <p>Thread-safe. Each change is one transaction with its event.
 */
@ProviderType
public interface BuildService {

    /**
     * Submits builds. Each submitted derivation, and every input derivation of its closure, must be already known to
     * the coordinator or be in the request's derivations, which is checked first. The builds are then created in
     * transactions of a few hundred, those of a derivation's inputs first, each with the request's derivations that
     * its builds need and that are not stored yet, so that a large submission does not hold up the other writes of
     * the farm for long and its first builds can be allocated while the rest is stored; a submission cut short by a
     * crash may have created some of its builds, and submitting it again with
     * {@link SubmitOptions#ignoreIfDerivationHasBuild()} completes it.
     *
     * <p>A build whose outputs the coordinator already holds is not created ({@link SubmitOutcome#OUTPUTS_HELD}).
     * A build one of whose inputs has failed starts in {@link BuildState#DEPENDENCY_FAILED}; the others start
     * {@link BuildState#SCHEDULED}. Each created build records a {@code build-submitted} event.
     *
     * @return one result per submission, in the request's order
     * @throws InvalidRequestException when a derivation is unknown or a submission is malformed
     */
    List<SubmitResult> submit(SubmitRequest request);

    /** Submits one build; see {@link #submit(SubmitRequest)}. */
    default SubmitResult submit(List<DerivationSummary> derivations, String derivationPath, SubmitOptions options) {
        return submit(new SubmitRequest(derivations, List.of(new BuildSubmission(derivationPath, options)))).get(0);
    }

    /** Lists builds, one page at a time, in the query's order (newest first by default). */
    BuildPage list(BuildQuery query);

    /**
     * How many builds match the query's filters, by state; states without builds are absent. The query's cursor,
     * limit and sort are ignored. Cheap enough for an overview that refreshes often: without filters other than
     * states, from counts kept as transactions commit; else one grouped query.
     */
    Map<BuildState, Long> counts(BuildQuery filter);

    /** @throws NotFoundException when there is no such build */
    Build get(UUID buildId);

    /** The outputs of a succeeded build (empty for any other state). */
    List<OutputMetadata> outputs(UUID buildId);

    /** The setup failures of a build, oldest first. */
    List<SetupFailure> setupFailures(UUID buildId);

    /** The attempts of a build, the first first: one for each start an agent reported. */
    List<BuildAttempt> attempts(UUID buildId);

    /**
     * For a dependency-failed build, the build whose failure it waits on: following the failed inputs down to a
     * build that failed itself (or, when the chain is broken, the last dependency-failed one); else empty.
     */
    Optional<Build> failedDependency(UUID buildId);

    /**
     * Cancels a build that is not final: scheduled, allocated, started or dependency-failed.
     *
     * @throws IllegalTransitionException when it succeeded, failed or was canceled already
     */
    Build cancel(UUID buildId);

    /**
     * Schedules a failed, canceled or dependency-failed build again. The builds that were dependency-failed
     * because of it go back to scheduled (unless another of their inputs failed too).
     *
     * @throws IllegalTransitionException for any other state
     */
    Build retry(UUID buildId);

    /**
     * Changes the priority of a build that is not final.
     *
     * @throws IllegalTransitionException when it succeeded, failed or was canceled
     */
    Build changePriority(UUID buildId, int priority);

    /**
     * Changes the tags of a build, in any state. A build has at most one value per key: a tag in {@code add}
     * whose key the build has already replaces that tag. The keys in {@code remove} are removed (those the build
     * does not have are ignored); a key both added and removed is added. When the tags change, the change is one
     * transaction with a {@code build-tagged} event (with {@code added} and {@code removed}, space-separated);
     * when nothing changes, nothing is written, so tagging is idempotent.
     *
     * @return the build with its new tags
     * @throws NotFoundException when there is no such build
     * @throws InvalidRequestException when {@code add} has two tags of one key
     */
    Build tag(UUID buildId, Set<Tag> add, Set<String> remove);
}
