package dev.kiln.api;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to submit a build.
 *
 * @param priority                   higher is sooner; 0 is the default
 * @param tags                       labels for finding the build
 * @param requiredAgentTags          tags an agent must carry to be given the build
 * @param ignoreIfDerivationHasBuild create nothing when a build of the same derivation already exists
 * @param ignoreIfOutputsHaveBuild   create nothing when a build of a derivation with the same outputs exists
 * @param deferUntil                 do not allocate before this time; {@code null} for at once
 * @param limits                     the build's limits; those unset come from the coordinator's defaults
 */
public record SubmitOptions(int priority, Set<Tag> tags, Set<Tag> requiredAgentTags,
        boolean ignoreIfDerivationHasBuild, boolean ignoreIfOutputsHaveBuild, Instant deferUntil, BuildLimits limits) {

    /** Priority 0, no tags, never ignored, not deferred, the default limits. */
    public static final SubmitOptions DEFAULT = new SubmitOptions(0, Set.of(), Set.of(), false, false, null);

    /** Options with the default limits. */
    public SubmitOptions(int priority, Set<Tag> tags, Set<Tag> requiredAgentTags, boolean ignoreIfDerivationHasBuild,
            boolean ignoreIfOutputsHaveBuild, Instant deferUntil) {
        this(priority, tags, requiredAgentTags, ignoreIfDerivationHasBuild, ignoreIfOutputsHaveBuild, deferUntil,
                BuildLimits.UNSET);
    }

    public SubmitOptions {
        tags = Set.copyOf(new TreeSet<>(tags == null ? Set.of() : tags));
        requiredAgentTags = Set.copyOf(new TreeSet<>(requiredAgentTags == null ? Set.of() : requiredAgentTags));
        requireDistinctKeys(tags, "tag");
        limits = limits == null ? BuildLimits.UNSET : limits;
    }

    public SubmitOptions withPriority(int newPriority) {
        return new SubmitOptions(newPriority, tags, requiredAgentTags, ignoreIfDerivationHasBuild,
                ignoreIfOutputsHaveBuild, deferUntil, limits);
    }

    public SubmitOptions withTags(Set<Tag> newTags) {
        return new SubmitOptions(priority, newTags, requiredAgentTags, ignoreIfDerivationHasBuild,
                ignoreIfOutputsHaveBuild, deferUntil, limits);
    }

    public SubmitOptions withRequiredAgentTags(Set<Tag> required) {
        return new SubmitOptions(priority, tags, required, ignoreIfDerivationHasBuild, ignoreIfOutputsHaveBuild,
                deferUntil, limits);
    }

    public SubmitOptions withIgnoreIfDerivationHasBuild(boolean ignore) {
        return new SubmitOptions(priority, tags, requiredAgentTags, ignore, ignoreIfOutputsHaveBuild, deferUntil, limits);
    }

    public SubmitOptions withIgnoreIfOutputsHaveBuild(boolean ignore) {
        return new SubmitOptions(priority, tags, requiredAgentTags, ignoreIfDerivationHasBuild, ignore, deferUntil, limits);
    }

    public SubmitOptions withDeferUntil(Instant until) {
        return new SubmitOptions(priority, tags, requiredAgentTags, ignoreIfDerivationHasBuild,
                ignoreIfOutputsHaveBuild, until, limits);
    }

    public SubmitOptions withLimits(BuildLimits newLimits) {
        return new SubmitOptions(priority, tags, requiredAgentTags, ignoreIfDerivationHasBuild,
                ignoreIfOutputsHaveBuild, deferUntil, newLimits);
    }

    private static void requireDistinctKeys(Set<Tag> tags, String what) {
        if (tags.stream().map(Tag::key).distinct().count() != tags.size()) {
            throw new InvalidRequestException("a " + what + " key appears twice: " + tags);
        }
    }
}
