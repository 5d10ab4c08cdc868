package dev.kiln.hooks.api;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

import dev.kiln.api.Build;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;

/**
 * The part of the farm a hook may read and act on. Thread-safe; every change is its own transaction. Failures are
 * the subclasses of {@link dev.kiln.api.KilnException}.
 */
@ProviderType
public interface Farm {

    /**
     * A build.
     *
     * @throws dev.kiln.api.NotFoundException when there is no such build
     */
    Build build(UUID buildId);

    /** Lists builds, newest first, one page at a time. */
    BuildPage builds(BuildQuery query);

    /** @throws dev.kiln.api.NotFoundException when the derivation is unknown */
    DerivationSummary derivation(String derivationPath);

    /** Which of these derivations the coordinator knows. */
    Set<String> knownDerivations(Collection<String> derivationPaths);

    /** Which of these store paths the coordinator holds. */
    Set<String> heldOutputs(Collection<String> storePaths);

    /** Submits builds; see {@link dev.kiln.api.BuildService#submit(SubmitRequest)}. */
    List<SubmitResult> submit(SubmitRequest request);

    /** Schedules a failed, canceled or dependency-failed build again. */
    Build retry(UUID buildId);

    /** Changes the priority of a build that is not final. */
    Build changePriority(UUID buildId, int priority);

    /**
     * Gives a build a tag, replacing the build's tag with the same key, in one transaction with a
     * {@code build-tagged} event; the tag is the build's own, seen by every client. Doing it twice is harmless: the
     * second time changes nothing and records no event.
     *
     * @return the build with its tags
     * @throws dev.kiln.api.NotFoundException when there is no such build
     */
    Build tag(UUID buildId, Tag tag);
}
