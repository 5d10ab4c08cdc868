package dev.kiln.ci;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.Tag;

/**
 * What to build continuously: the channels to follow and the command that turns their checkouts into derivations.
 *
 * @param name                   unique, used in URLs and in the {@code jobset} tag of its builds
 * @param channels               the repositories, at least one; the first one's checkout is the command's directory
 * @param evaluationCommand      run by {@code /bin/sh -c}; prints {@code .drv} paths on stdout as it finds them
 * @param storeDir               the store directory of the derivations, such as {@code /nix/store}
 * @param storeRoot              where that store is on this machine ({@code storeDir} itself unless the store is
 *                               kept elsewhere, as with {@code nix-instantiate --store local?root=DIR})
 * @param period                 how often the channels are checked; zero checks only on demand
 * @param priority               the priority of its builds
 * @param tags                   added to its builds, besides {@code jobset=<name>} and {@code evaluation=<id>}
 * @param enabled                a disabled jobset is kept but never evaluated
 * @param maxBuildsPerEvaluation an evaluation stops submitting past this many derivations
 * @param supersede              whether a newer evaluation cancels what an older one still has pending
 * @param pullRequestTemplate    whether each pull request opened on the repository of its first channel becomes a
 *                               jobset of its own, made from this one
 * @param pullRequest            the pull request this jobset builds, or null
 * @param evaluationTimeout      how long one of its evaluations may run before it is stopped and fails; null for the
 *                               coordinator's limit
 */
public record Jobset(String name, List<Channel> channels, String evaluationCommand, String storeDir, String storeRoot,
        Duration period, int priority, Set<Tag> tags, boolean enabled, int maxBuildsPerEvaluation, boolean supersede,
        boolean pullRequestTemplate, PullRequest pullRequest, Duration evaluationTimeout) {

    public static final int DEFAULT_MAX_BUILDS = 100_000;

    public Jobset {
        if (name == null) {
            throw new InvalidRequestException("a jobset needs a name");
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new InvalidRequestException("a jobset name is letters, digits, '.', '-' and '_': " + name);
        }
        channels = List.copyOf(channels == null ? List.of() : channels);
        if (channels.isEmpty()) {
            throw new InvalidRequestException("jobset " + name + " has no channel");
        }
        if (channels.stream().map(Channel::name).distinct().count() != channels.size()) {
            throw new InvalidRequestException("jobset " + name + " has two channels of one name");
        }
        if (evaluationCommand == null || evaluationCommand.isBlank()) {
            throw new InvalidRequestException("jobset " + name + " has no evaluation command");
        }
        if (storeDir == null || !storeDir.startsWith("/")) {
            throw new InvalidRequestException("jobset " + name + " needs an absolute store directory: " + storeDir);
        }
        storeRoot = storeRoot == null || storeRoot.isBlank() ? storeDir : storeRoot;
        period = period == null ? Duration.ZERO : period;
        if (period.isNegative()) {
            throw new InvalidRequestException("jobset " + name + " has a negative period");
        }
        tags = Set.copyOf(new TreeSet<>(tags == null ? Set.of() : tags));
        if (maxBuildsPerEvaluation <= 0) {
            throw new InvalidRequestException("jobset " + name + ": the limit of builds per evaluation is positive");
        }
        if (evaluationTimeout != null && (evaluationTimeout.isNegative() || evaluationTimeout.isZero())) {
            evaluationTimeout = null;
        }
    }

    /** A jobset whose evaluations run within the coordinator's time limit. */
    public Jobset(String name, List<Channel> channels, String evaluationCommand, String storeDir, String storeRoot,
            Duration period, int priority, Set<Tag> tags, boolean enabled, int maxBuildsPerEvaluation,
            boolean supersede, boolean pullRequestTemplate, PullRequest pullRequest) {
        this(name, channels, evaluationCommand, storeDir, storeRoot, period, priority, tags, enabled,
                maxBuildsPerEvaluation, supersede, pullRequestTemplate, pullRequest, null);
    }

    /** A jobset that follows no pull request and is no template. */
    public Jobset(String name, List<Channel> channels, String evaluationCommand, String storeDir, String storeRoot,
            Duration period, int priority, Set<Tag> tags, boolean enabled, int maxBuildsPerEvaluation,
            boolean supersede) {
        this(name, channels, evaluationCommand, storeDir, storeRoot, period, priority, tags, enabled,
                maxBuildsPerEvaluation, supersede, false, null, null);
    }

    public Jobset withEnabled(boolean newEnabled) {
        return new Jobset(name, channels, evaluationCommand, storeDir, storeRoot, period, priority, tags, newEnabled,
                maxBuildsPerEvaluation, supersede, pullRequestTemplate, pullRequest, evaluationTimeout);
    }

    public Jobset withEvaluationTimeout(Duration timeout) {
        return new Jobset(name, channels, evaluationCommand, storeDir, storeRoot, period, priority, tags, enabled,
                maxBuildsPerEvaluation, supersede, pullRequestTemplate, pullRequest, timeout);
    }

    /**
     * The jobset of a pull request made from this template: named {@code <template>-pr-<number>}, its first channel
     * following the request's branch in the repository it comes from, never a template itself.
     */
    public Jobset forPullRequest(PullRequest request, String url, String branch) {
        List<Channel> requestChannels = new ArrayList<>(channels);
        requestChannels.set(0, new Channel(channels.get(0).name(), url, branch));
        return new Jobset(name + "-pr-" + request.number(), requestChannels, evaluationCommand, storeDir, storeRoot,
                period, priority, tags, true, maxBuildsPerEvaluation, supersede, false, request, evaluationTimeout);
    }

    public Jobset withPullRequest(PullRequest request) {
        return new Jobset(name, channels, evaluationCommand, storeDir, storeRoot, period, priority, tags, enabled,
                maxBuildsPerEvaluation, supersede, pullRequestTemplate, request, evaluationTimeout);
    }
}
