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
import dev.kiln.api.BuildLimits;
import dev.kiln.api.BuildState;
import dev.kiln.api.Event;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.SubmitOutcome;
import dev.kiln.api.Tag;
import dev.kiln.protocol.AgentBuildInfo;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildLimitsInfo;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.OutputInfo;

/** Domain records to their wire form and back. */
final class Wire {

    /** An agent not heard from for this long is shown offline. */
    static final Duration ONLINE_WITHIN = Duration.ofSeconds(60);

    private Wire() {
    }

    /** @param unallocatable why no agent can take it, or null */
    static BuildInfo build(Build build, List<OutputMetadata> outputs, String unallocatable) {
        return new BuildInfo(build.id().toString(), build.state().id(), build.derivationPath(), build.system(),
                build.priority(), tags(build.tags()), tags(build.requiredAgentTags()), string(build.agentId()),
                time(build.submittedAt()), time(build.startedAt()), time(build.finishedAt()),
                build.setupFailureCount(), time(build.deferUntil()),
                outputs.stream().map(o -> new OutputInfo(o.name(), o.path(), o.narHash(), o.narSize(), o.references()))
                        .toList(),
                List.copyOf(new TreeSet<>(build.requiredFeatures())), limits(build.limits()),
                build.failureKind() == null ? null : build.failureKind().id(), unallocatable);
    }

    static BuildLimitsInfo limits(BuildLimits limits) {
        return new BuildLimitsInfo(limits.timeoutSeconds(), limits.maxSilentSeconds(), limits.maxLogBytes(),
                limits.maxOutputBytes());
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
        String status = !agent.active() ? "inactive"
                : agent.lastSeen() != null && agent.lastSeen().isAfter(now.minus(ONLINE_WITHIN)) ? "online" : "offline";
        List<AgentBuildInfo> builds = activity == null ? List.of() : activity.builds().stream()
                .map(b -> new AgentBuildInfo(b.buildId().toString(), b.state().id(), b.derivationPath(),
                        time(b.since())))
                .toList();
        AgentLoad load = activity == null ? null : activity.load();
        return new AgentInfo(agent.id().toString(), agent.name(), agent.description(), List.copyOf(agent.systems()),
                tags(agent.tags()), agent.active(), time(agent.lastSeen()), status, builds,
                load == null ? null : load.loadAverage(), load == null ? null : load.freeSlots(),
                load == null ? null : time(load.reportedAt()), load == null ? null : load.freeDisk(),
                load == null ? null : load.idle());
    }

    static Map<String, Long> counts(Map<BuildState, Long> counts) {
        Map<String, Long> byId = new TreeMap<>();
        counts.forEach((state, count) -> byId.put(state.id(), count));
        return byId;
    }

    static EventInfo event(Event event) {
        return new EventInfo(event.id(), event.type().id(), time(event.time()), string(event.buildId()),
                string(event.agentId()), event.data());
    }

    static String outcome(SubmitOutcome outcome) {
        return switch (outcome) {
            case CREATED -> "created";
            case EXISTING_BUILD_FOR_DERIVATION -> "derivation-exists";
            case EXISTING_BUILD_FOR_OUTPUTS -> "outputs-exist";
            case OUTPUTS_HELD -> "outputs-held";
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

    static Instant instant(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidRequestException(what + " is not an ISO-8601 instant: " + text);
        }
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String string(UUID id) {
        return id == null ? null : id.toString();
    }
}
