package dev.kiln.transport.jetty.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.kiln.api.Agent;
import dev.kiln.api.AgentActivity;
import dev.kiln.api.AgentLoad;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildGraph;
import dev.kiln.api.BuildLimits;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildWaiting;
import dev.kiln.api.Event;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.QueuePosition;
import dev.kiln.api.Tag;
import dev.kiln.cache.RetentionReport;
import dev.kiln.protocol.AheadReason;
import dev.kiln.protocol.AgentBuildInfo;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.AttemptInfo;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildLimitsInfo;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;
import dev.kiln.protocol.FailedDependencyInfo;
import dev.kiln.protocol.GcReportInfo;
import dev.kiln.protocol.GraphEdgeInfo;
import dev.kiln.protocol.GraphNodeInfo;
import dev.kiln.protocol.InputBuildInfo;
import dev.kiln.protocol.OutputInfo;
import dev.kiln.protocol.QueuePositionInfo;
import dev.kiln.protocol.QueuedAheadInfo;
import dev.kiln.protocol.SubmitOutcome;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.protocol.WaitingKind;
import dev.kiln.protocol.WaitingReasonInfo;

/** Domain records to their wire form and back. */
final class Wire {

    /** An agent not heard from for this long is shown offline. */
    static final Duration ONLINE_WITHIN = Duration.ofSeconds(60);

    private Wire() {
    }

    /** A build in a list: without its attempts, exit status and failed dependency. */
    static BuildInfo build(Build build, List<OutputMetadata> outputs, String unallocatable) {
        return build(build, outputs, unallocatable, null, null, null);
    }

    /**
     * @param unallocatable    why no agent can take it, or null
     * @param failedDependency the build a dependency-failed build waits on, or null
     * @param attempts         its attempts, or null when not read
     * @param agentNames       the names of the agents of its attempts, by id (a removed agent has none)
     */
    static BuildInfo build(Build build, List<OutputMetadata> outputs, String unallocatable, Build failedDependency,
            List<BuildAttempt> attempts, Map<UUID, String> agentNames) {
        List<AttemptInfo> attemptInfos = attempts == null ? null : attempts.stream()
                .map(a -> new AttemptInfo(a.number(), a.agentId(), agentNames.get(a.agentId()), a.startedAt(),
                        a.exitStatus()))
                .toList();
        Integer exitStatus = build.state() != BuildState.FAILED || attempts == null || attempts.isEmpty() ? null
                : attempts.get(attempts.size() - 1).exitStatus();
        return new BuildInfo(build.id(), state(build.state()), build.derivationPath(), build.system(),
                build.priority(), tags(build.tags()), tags(build.requiredAgentTags()), build.agentId(),
                build.submittedAt(), build.startedAt(), build.finishedAt(), build.setupFailureCount(),
                build.deferUntil(),
                outputs.stream().map(o -> new OutputInfo(o.name(), o.path(), o.narHash(), o.narSize(), o.references()))
                        .toList(),
                List.copyOf(new TreeSet<>(build.requiredFeatures())), limits(build.limits()),
                build.failureKind() == null ? null : build.failureKind().id(), unallocatable, exitStatus,
                failedDependency == null ? null : new FailedDependencyInfo(failedDependency.id(),
                        failedDependency.derivationPath(), state(failedDependency.state()),
                        failedDependency.finishedAt() != null ? failedDependency.finishedAt()
                                : failedDependency.stateChangedAt()),
                attemptInfos);
    }

    static WaitingInfo waiting(BuildWaiting waiting) {
        return new WaitingInfo(waiting.build().id(), state(waiting.build().state()), waiting.reasons().stream()
                .map(reason -> new WaitingReasonInfo(WaitingKind.valueOf(reason.kind().name()), reason.detail(),
                        reason.inputs().stream().map(input -> new InputBuildInfo(input.derivationPath(),
                                input.buildId(), state(input.state()))).toList(),
                        reason.queue() == null ? null : queue(reason.queue()), reason.until()))
                .toList());
    }

    static QueuePositionInfo queue(QueuePosition queue) {
        return new QueuePositionInfo(queue.system(), queue.position(), queue.readyInSystem(),
                text(queue.shareGroup()), queue.shares(), queue.usedSeconds(), queue.aheadByPriority(),
                queue.aheadByFairShare(), queue.aheadBySubmission(), queue.ahead().stream()
                        .map(ahead -> new QueuedAheadInfo(ahead.buildId(), ahead.derivationPath(),
                                ahead.effectivePriority(), text(ahead.shareGroup()),
                                AheadReason.valueOf(ahead.reason().name())))
                        .toList());
    }

    private static String text(Tag tag) {
        return tag == null ? null : tag.toString();
    }

    static BuildGraphInfo graph(BuildGraph graph) {
        return new BuildGraphInfo(graph.buildId(), graph.nodes().stream()
                .map(node -> new GraphNodeInfo(node.derivationPath(), node.buildId(),
                        node.state() == null ? null : state(node.state()), node.depth(), node.builtInputs(),
                        node.blocking()))
                .toList(),
                graph.edges().stream().map(edge -> new GraphEdgeInfo(edge.input(), edge.dependent())).toList(),
                graph.blockingPath(), graph.omitted());
    }

    static BuildLimitsInfo limits(BuildLimits limits) {
        return new BuildLimitsInfo(limits.timeoutSeconds(), limits.maxSilentSeconds(), limits.maxLogBytes(),
                limits.maxOutputBytes());
    }

    /** Limits as sent, checked: a negative one, or one over a year or 1 PiB, is refused. */
    static BuildLimits limits(BuildLimitsInfo limits) {
        return new BuildLimits(limits.timeout(), limits.maxSilentTime(), limits.maxLogSize(), limits.maxOutputSize());
    }

    /** The limits of a build request, checked: a bad one is refused before anything is submitted. */
    static BuildLimits limits(dev.kiln.protocol.BuildRequest request) {
        return new BuildLimits(BuildLimits.parseSeconds(request.timeout(), "timeout"),
                BuildLimits.parseSeconds(request.maxSilentTime(), "maxSilentTime"),
                BuildLimits.parseSize(request.maxLogSize(), "maxLogSize"),
                BuildLimits.parseSize(request.maxOutputSize(), "maxOutputSize"));
    }

    static AgentInfo agent(Agent agent, Instant now) {
        return agent(agent, null, now);
    }

    /** The agent with the builds it holds and its load, when {@code activity} is known. */
    static AgentInfo agent(Agent agent, AgentActivity activity, Instant now) {
        AgentStatus status = !agent.active() ? AgentStatus.INACTIVE
                : agent.lastSeen() != null && agent.lastSeen().isAfter(now.minus(ONLINE_WITHIN)) ? AgentStatus.ONLINE
                        : AgentStatus.OFFLINE;
        List<AgentBuildInfo> builds = activity == null ? List.of() : activity.builds().stream()
                .map(b -> new AgentBuildInfo(b.buildId(), state(b.state()), b.derivationPath(), b.since()))
                .toList();
        AgentLoad load = activity == null ? null : activity.load();
        return new AgentInfo(agent.id(), agent.name(), agent.description(), List.copyOf(agent.systems()),
                tags(agent.tags()), agent.active(), agent.lastSeen(), status, builds,
                load == null ? null : load.loadAverage(), load == null ? null : load.freeSlots(),
                load == null ? null : load.reportedAt(), load == null ? null : load.freeDisk(),
                load == null ? null : load.idle());
    }

    /** The wire's spelling of a build state: the same constant. */
    static dev.kiln.protocol.BuildState state(BuildState state) {
        return dev.kiln.protocol.BuildState.valueOf(state.name());
    }

    static Map<dev.kiln.protocol.BuildState, Long> counts(Map<BuildState, Long> counts) {
        Map<dev.kiln.protocol.BuildState, Long> byState = new TreeMap<>();
        counts.forEach((state, count) -> byState.put(state(state), count));
        return byState;
    }

    /** An event as the event stream, the hooks and the webhooks show it: the event type is the same constant. */
    static EventInfo event(Event event) {
        return new EventInfo(event.id(), EventType.valueOf(event.type().name()), event.time(), event.buildId(),
                event.agentId(), event.data());
    }

    static SubmitOutcome outcome(dev.kiln.api.SubmitOutcome outcome) {
        return switch (outcome) {
            case CREATED -> SubmitOutcome.CREATED;
            case EXISTING_BUILD_FOR_DERIVATION -> SubmitOutcome.DERIVATION_EXISTS;
            case EXISTING_BUILD_FOR_OUTPUTS -> SubmitOutcome.OUTPUTS_EXIST;
            case OUTPUTS_HELD -> SubmitOutcome.OUTPUTS_HELD;
        };
    }

    static Map<String, String> tags(Set<Tag> tags) {
        Map<String, String> map = new TreeMap<>();
        tags.forEach(tag -> map.put(tag.key(), tag.value()));
        return map;
    }

    static Set<Tag> tags(Map<String, String> tags) {
        Set<Tag> set = new HashSet<>();
        if (tags != null) {
            tags.forEach((key, value) -> set.add(new Tag(key, value)));
        }
        return set;
    }

    static GcReportInfo gcReport(RetentionReport report) {
        return new GcReportInfo(report.dryRun(), report.paths(), report.objects(), report.bytes(), report.keptPaths(),
                report.keptBytes(), report.logs(), report.events(), report.duration().toNanos() / 1e9);
    }

    static UUID uuid(String text, String what) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRequestException("the " + what + " id is not a UUID: " + text);
        }
    }

    /** A flag of the query string: {@code true} or {@code false}. */
    static boolean bool(String text, String what) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException(what + " is true or false, not " + text);
        };
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
