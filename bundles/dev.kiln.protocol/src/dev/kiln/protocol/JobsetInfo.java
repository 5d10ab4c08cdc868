package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/**
 * A jobset, as sent to create or change one and as shown. {@code periodSeconds} 0 evaluates on demand only;
 * {@code storeRoot} null means the store is at {@code storeDir}; {@code maxBuildsPerEvaluation} null means the default;
 * {@code supersede} (a newer evaluation cancels the builds older ones still have pending and it no longer needs) null
 * means on for a new jobset and unchanged for a changed one.
 * {@code pullRequestTemplate} true makes each pull request on the first channel's repository a jobset of its own
 * (null keeps it as it was, false when created). {@code pullRequest} (the request a jobset builds) and
 * {@code lastEvaluation} (the newest evaluation) are shown and never sent: null when there is none.
 * {@code evaluationTimeoutSeconds} is how long one evaluation may run before it is stopped and fails: 0 for the
 * coordinator's limit; null means the coordinator's for a new jobset and unchanged for a changed one.
 */
public record JobsetInfo(String name, List<ChannelInfo> channels, String evaluationCommand, String storeDir,
        String storeRoot, long periodSeconds, int priority, Map<String, String> tags, Boolean enabled,
        Integer maxBuildsPerEvaluation, Boolean supersede, Boolean pullRequestTemplate, PullRequestInfo pullRequest,
        EvaluationInfo lastEvaluation, Long evaluationTimeoutSeconds) {

    /** A jobset within the coordinator's evaluation time limit. */
    public JobsetInfo(String name, List<ChannelInfo> channels, String evaluationCommand, String storeDir,
            String storeRoot, long periodSeconds, int priority, Map<String, String> tags, Boolean enabled,
            Integer maxBuildsPerEvaluation, Boolean supersede, Boolean pullRequestTemplate, PullRequestInfo pullRequest,
            EvaluationInfo lastEvaluation) {
        this(name, channels, evaluationCommand, storeDir, storeRoot, periodSeconds, priority, tags, enabled,
                maxBuildsPerEvaluation, supersede, pullRequestTemplate, pullRequest, lastEvaluation, null);
    }

    /** A jobset to create or change: without an evaluation. */
    public JobsetInfo(String name, List<ChannelInfo> channels, String evaluationCommand, String storeDir,
            String storeRoot, long periodSeconds, int priority, Map<String, String> tags, Boolean enabled,
            Integer maxBuildsPerEvaluation, boolean supersede) {
        this(name, channels, evaluationCommand, storeDir, storeRoot, periodSeconds, priority, tags, enabled,
                maxBuildsPerEvaluation, supersede, null, null, null, null);
    }
}
