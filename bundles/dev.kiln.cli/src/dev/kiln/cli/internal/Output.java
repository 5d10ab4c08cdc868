package dev.kiln.cli.internal;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.kiln.protocol.AgentBuildInfo;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AttemptInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildLimitsInfo;
import dev.kiln.protocol.FailedDependencyInfo;
import dev.kiln.protocol.OutputInfo;
import dev.kiln.protocol.ProtocolJson;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Human-readable and JSON forms of what commands print. */
final class Output {

    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        out.println(ProtocolJson.writeString(value));
        out.flush();
    }

    /** Prints {@code value} as JSON with {@code --json}, else as {@code text} writes it. */
    static void print(CommandSpec spec, ClientOptions options, Object value, Consumer<PrintWriter> text) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            json(out, value);
        } else {
            text.accept(out);
            out.flush();
        }
    }

    static String tags(Map<String, String> tags) {
        return tags == null || tags.isEmpty() ? "-"
                : tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    static void buildLine(PrintWriter out, BuildInfo build) {
        out.printf("%s  %-17s %5d  %s%s%n", build.id(), build.state(), build.priority(), build.derivation(),
                build.failureKind() != null && !build.failureKind().equals("failed") ? "  (" + build.failureKind() + ")"
                : build.unallocatable() != null ? "  (" + build.unallocatable() + ")" : "");
    }

    static void buildDetails(PrintWriter out, BuildInfo build) {
        out.printf("id:          %s%n", build.id());
        out.printf("state:       %s%n", build.state());
        out.printf("derivation:  %s%n", build.derivation());
        out.printf("system:      %s%n", build.system());
        out.printf("priority:    %d%n", build.priority());
        out.printf("tags:        %s%n", tags(build.tags()));
        out.printf("agent:       %s%n", build.agent() == null ? "-" : build.agent());
        out.printf("created:     %s%n", build.createdAt());
        out.printf("started:     %s%n", build.startedAt() == null ? "-" : build.startedAt());
        out.printf("finished:    %s%n", build.finishedAt() == null ? "-" : build.finishedAt());
        if (build.failureKind() != null) {
            out.printf("failure:     %s%s%n", build.failureKind(),
                    build.exitStatus() == null ? "" : ", exit status " + build.exitStatus());
        }
        FailedDependencyInfo dependency = build.failedDependency();
        if (dependency != null) {
            out.printf("dependency:  %s  %s  %s at %s%n", dependency.build(), dependency.derivation(),
                    dependency.state(), dependency.failedAt());
        }
        if (build.deferUntil() != null) {
            out.printf("deferred:    until %s%n", build.deferUntil());
        }
        if (build.requiredFeatures() != null && !build.requiredFeatures().isEmpty()) {
            out.printf("features:    %s%n", String.join(",", build.requiredFeatures()));
        }
        limits(out, "limits:      ", build.limits());
        if (build.unallocatable() != null) {
            out.printf("waiting:     %s%n", build.unallocatable());
        }
        if (build.attempts() != null) {
            for (AttemptInfo attempt : build.attempts()) {
                out.printf("attempt %-4d agent %s  started %s%s%n", attempt.attempt(),
                        attempt.agentName() != null ? attempt.agentName() : attempt.agent(), attempt.startedAt(),
                        attempt.exitStatus() == null ? "" : "  exit status " + attempt.exitStatus());
            }
        }
        for (OutputInfo output : build.outputs()) {
            out.printf("output %s:  %s  %s  %d bytes%n", output.name(), output.path(), output.narHash(), output.narSize());
        }
        out.flush();
    }

    /** A line of the limits set, after {@code label}, when one is set: the others are the coordinator's defaults. */
    static void limits(PrintWriter out, String label, BuildLimitsInfo limits) {
        if (limits != null && (limits.timeout() != null || limits.maxSilentTime() != null || limits.maxLogSize() != null
                || limits.maxOutputSize() != null)) {
            out.printf("%stimeout %s  max-silent %s  max-log %s  max-output %s%n", label, limit(limits.timeout()),
                    limit(limits.maxSilentTime()), limit(limits.maxLogSize()), limit(limits.maxOutputSize()));
        }
    }

    private static String limit(Long value) {
        return value == null ? "default" : value == 0 ? "none" : value.toString();
    }

    /** One line per agent (with its load and when it was last seen), then one indented line per build it holds. */
    static void agentLine(PrintWriter out, AgentInfo agent) {
        out.printf("%s  %-8s %-20s %s  %s  builds %d  load %s  free %s  seen %s%n", agent.id(), agent.status(),
                agent.name(), String.join(",", agent.systems()), tags(agent.tags()),
                agent.builds() == null ? 0 : agent.builds().size(),
                agent.load() == null ? "-" : String.format(Locale.ROOT, "%.2f", agent.load()),
                agent.freeSlots() == null ? "-" : agent.freeSlots(),
                agent.lastSeen() == null ? "never" : agent.lastSeen());
        if (agent.freeDisk() != null || agent.idle() != null) {
            out.printf("    disk %s free%s%n", agent.freeDisk() == null ? "-" : agent.freeDisk() + " bytes",
                    agent.idle() == null ? "" : "; idle: " + agent.idle());
        }
        if (agent.builds() != null) {
            for (AgentBuildInfo build : agent.builds()) {
                out.printf("    %s  %-9s since %s  %s%n", build.id(), build.state(), build.since(), build.derivation());
            }
        }
    }

    /** {@code --tag KEY=VALUE} options as a map. */
    static Map<String, String> tags(CommandSpec spec, List<String> tags) {
        return keyValues(spec, "--tag: ", tags);
    }

    /** {@code KEY=VALUE} arguments as a map; {@code what} begins the message that refuses another form. */
    static Map<String, String> keyValues(CommandSpec spec, String what, List<String> pairs) {
        Map<String, String> map = new TreeMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new ParameterException(spec.commandLine(), what + "'" + pair + "' is not KEY=VALUE");
            }
            map.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return map;
    }
}
