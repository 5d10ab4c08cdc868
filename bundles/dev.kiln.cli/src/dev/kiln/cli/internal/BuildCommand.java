package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.kiln.api.BuildLimits;
import dev.kiln.client.DerivationClosure;
import dev.kiln.client.KilnApiException;
import dev.kiln.client.KilnClient;
import dev.kiln.protocol.AttemptLog;
import dev.kiln.protocol.BuildCounts;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildRequest;
import dev.kiln.protocol.SubmitAnswer;
import dev.kiln.protocol.SubmitResult;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.store.StoreDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln build ...}: submit, list, show, cancel, retry, change the priority, tag, read the log, say why a build
 * waits, draw its graph.
 */
@Command(name = "build", mixinStandardHelpOptions = true, description = "Submit and steer builds.",
        subcommands = {BuildCommand.Submit.class, BuildCommand.ListBuilds.class, BuildCommand.Show.class,
                BuildCommand.Cancel.class, BuildCommand.Retry.class, BuildCommand.Priority.class,
                BuildCommand.TagBuild.class, BuildCommand.Log.class, BuildCommand.Counts.class, BuildCommand.Why.class,
                BuildCommand.Graph.class})
final class BuildCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a build command is required");
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submit derivations: each .drv file, with the .drv files of its closure and the input sources"
                    + " the coordinator lacks.")
    static final class Submit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(arity = "1..*", paramLabel = "FILE.drv", description = "Derivation files, in the store or beside their inputs.")
        List<Path> files;
        @Option(names = "--priority", paramLabel = "N", description = "Higher builds first (default: 0).")
        int priority;
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag of the builds; repeatable.")
        List<String> tags = new ArrayList<>();
        @Option(names = "--require-agent-tag", paramLabel = "KEY=VALUE",
                description = "Build only on agents with this tag; repeatable.")
        List<String> requiredAgentTags = new ArrayList<>();
        @Option(names = "--ignore-if-exists", description = "Create no build for a derivation that has one already.")
        boolean ignoreIfExists;
        @Option(names = "--ignore-if-outputs-exist",
                description = "Create no build when a build of another derivation makes the same outputs.")
        boolean ignoreIfOutputsExist;
        @Option(names = "--defer-until", paramLabel = "TIME",
                description = "Do not build before this time (ISO-8601, such as 2026-11-22T18:00:00Z).")
        Instant deferUntil;
        @Option(names = "--store-dir", paramLabel = "DIR", description = "The store the derivations belong to (default: the coordinator's).")
        String storeDir;
        @Mixin
        LimitOptions limitOptions;

        @Override
        public Integer call() throws IOException {
            BuildLimits limits = limitOptions.limits();
            KilnClient client = options.client();
            StoreDir store = new StoreDir(storeDir != null ? storeDir : client.cache().storeDir());
            DerivationClosure closure = DerivationClosure.read(store, files);
            uploadSources(client, closure);
            Map<String, String> tagMap = Output.tags(spec, tags);
            Map<String, String> agentTags = Output.tags(spec, requiredAgentTags);
            SubmitAnswer answer;
            try (ProgressBar bar = ProgressBar.start(spec.commandLine().getErr(), options,
                    "submitting " + closure.texts().size() + " derivations", 0, ProgressBar.Unit.BYTES)) {
                answer = client.submit(closure, path -> new BuildRequest(path, priority, tagMap, agentTags,
                        ignoreIfExists, ignoreIfOutputsExist, deferUntil, LimitOptions.text(limits.timeoutSeconds()),
                        LimitOptions.text(limits.maxSilentSeconds()), LimitOptions.text(limits.maxLogBytes()),
                        LimitOptions.text(limits.maxOutputBytes())), bar);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, answer.results().stream().map(r -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("id", r.id());
                    entry.put("derivation", r.derivation());
                    entry.put("outcome", r.outcome());
                    return entry;
                }).toList());
            } else {
                for (SubmitResult result : answer.results()) {
                    out.printf("%s  %-17s %s%n", result.id() == null ? "-".repeat(36) : result.id(), result.outcome(),
                            result.derivation());
                }
                out.flush();
            }
            return 0;
        }

        /** Puts the sources the coordinator's cache lacks into it, with a progress bar once they are ready. */
        private void uploadSources(KilnClient client, DerivationClosure closure) throws IOException {
            ProgressBar[] bar = new ProgressBar[1];
            try {
                client.uploadSources(closure, (count, total) -> {
                    bar[0] = ProgressBar.start(spec.commandLine().getErr(), options, "uploading " + count + " sources",
                            total, ProgressBar.Unit.BYTES);
                    return bar[0];
                });
            } catch (KilnApiException e) {
                if (e.status() == 401) {
                    throw new CommandFailedException("uploading the input sources the coordinator lacks needs a"
                            + " client token (--token, KILN_TOKEN or --state-dir): " + e.getMessage());
                }
                throw e;
            } finally {
                if (bar[0] != null) {
                    bar[0].close();
                }
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List builds, newest first unless sorted otherwise.")
    static final class ListBuilds implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Mixin
        BuildFilters filters;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--sort", paramLabel = "FIELD",
                description = "Sort by submitted (the default), priority, state, system or derivation.")
        String sort;
        @Option(names = "--order", paramLabel = "ORDER", description = "desc (the default: newest or greatest first) or asc.")
        String order;

        @Override
        public Integer call() throws IOException {
            KilnClient client = options.client();
            List<BuildInfo> builds = new ArrayList<>();
            String cursor = null;
            do {
                Map<String, String> query = filters.query();
                query.put("limit", Integer.toString(Math.min(1000, limit - builds.size())));
                query.put("cursor", cursor);
                query.put("sort", sort);
                query.put("order", order);
                BuildList page = client.builds(query);
                builds.addAll(page.builds());
                cursor = page.next();
            } while (cursor != null && builds.size() < limit);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, builds);
            } else {
                builds.forEach(build -> Output.buildLine(out, build));
                out.flush();
            }
            return 0;
        }
    }

    /** The filters that {@code build list} and {@code build counts} share. */
    static final class BuildFilters {
        @Option(names = "--state", paramLabel = "STATE", description = "scheduled, allocated, started, succeeded, failed, canceled, dependency-failed; comma-separated.")
        String state;
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Only builds with this tag.")
        String tag;
        @Option(names = "--system", paramLabel = "SYSTEM", description = "Only builds for this system.")
        String system;
        @Option(names = "--agent", paramLabel = "AGENT",
                description = "Only builds this agent holds or built, by its name or id (a removed agent's by id).")
        String agent;
        @Option(names = "--derivation", paramLabel = "PATH", description = "Only builds of this .drv store path.")
        String derivation;

        /** The query parameters of these filters, null where not given; the caller may add more. */
        Map<String, String> query() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("state", state);
            query.put("tag", tag);
            query.put("system", system);
            query.put("agent", agent);
            query.put("derivation", derivation);
            return query;
        }
    }

    @Command(name = "counts", mixinStandardHelpOptions = true, description = "Count builds by state.")
    static final class Counts implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Mixin
        BuildFilters filters;

        @Override
        public Integer call() throws IOException {
            BuildCounts counts = options.client().buildCounts(filters.query());
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, counts);
                return 0;
            }
            counts.states().forEach((name, count) -> out.printf("%-18s %d%n", name, count));
            out.printf("%-18s %d%n", "total", counts.total());
            out.flush();
            return 0;
        }
    }

    /** The commands that take a build id. */
    abstract static class WithBuildId implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", paramLabel = "ID", description = "The build's id.")
        UUID id;
    }

    /** The commands that take a build id and print the build. */
    abstract static class OnBuild extends WithBuildId {

        abstract BuildInfo apply(KilnClient client) throws IOException;

        @Override
        public Integer call() throws IOException {
            BuildInfo build = apply(options.client());
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, build);
            } else {
                Output.buildDetails(out, build);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a build.")
    static final class Show extends OnBuild {
        @Override
        BuildInfo apply(KilnClient client) throws IOException {
            return client.build(id);
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a build that is not final.")
    static final class Cancel extends OnBuild {
        @Option(names = "--with-dependents",
                description = "Cancel too every build that is not final and needs it, directly or through others.")
        boolean withDependents;

        @Override
        public Integer call() throws IOException {
            if (!withDependents) {
                return super.call();
            }
            BuildList canceled = options.client().cancelWithDependents(id);
            Output.print(spec, options, canceled,
                    out -> canceled.builds().forEach(build -> Output.buildLine(out, build)));
            return 0;
        }

        @Override
        BuildInfo apply(KilnClient client) throws IOException {
            return client.cancel(id);
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Schedule a failed, canceled or dependency-failed build again.")
    static final class Retry extends OnBuild {
        @Override
        BuildInfo apply(KilnClient client) throws IOException {
            return client.retry(id);
        }
    }

    @Command(name = "priority", mixinStandardHelpOptions = true, description = "Change a build's priority.")
    static final class Priority extends OnBuild {
        @Parameters(index = "1", paramLabel = "N", description = "The new priority.")
        int priority;
        @Option(names = "--inputs", description = "Raise instead the pending builds of the inputs it waits for,"
                + " directly or through others, to at least N; prints those raised.")
        boolean inputs;

        @Override
        public Integer call() throws IOException {
            if (!inputs) {
                return super.call();
            }
            BuildList raised = options.client().raiseInputPriority(id, priority);
            Output.print(spec, options, raised,
                    out -> raised.builds().forEach(build -> Output.buildLine(out, build)));
            return 0;
        }

        @Override
        BuildInfo apply(KilnClient client) throws IOException {
            return client.changePriority(id, priority);
        }
    }

    @Command(name = "tag", mixinStandardHelpOptions = true,
            description = "Set and remove tags of a build; a key the build has gets the new value.")
    static final class TagBuild extends OnBuild {
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE", description = "Tags to set.")
        List<String> tags = new ArrayList<>();
        @Option(names = "--remove", arity = "1..*", paramLabel = "KEY", description = "Keys of tags to remove.")
        List<String> remove = new ArrayList<>();

        @Override
        BuildInfo apply(KilnClient client) throws IOException {
            if (tags.isEmpty() && remove.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "give tags to set (KEY=VALUE) or --remove KEY");
            }
            return client.tag(id, Output.tags(spec, tags), remove);
        }
    }

    @Command(name = "why", mixinStandardHelpOptions = true, description = "Say why a build has not started: its"
            + " inputs not built or failed, no agent able to take it, the builds that go before it, a deferral.")
    static final class Why extends WithBuildId {

        @Override
        public Integer call() throws IOException {
            WaitingInfo waiting = options.client().waiting(id);
            Output.print(spec, options, waiting, out -> GraphOutput.waiting(out, waiting));
            return 0;
        }
    }

    @Command(name = "graph", mixinStandardHelpOptions = true, description = "Show a build's dependency graph: its"
            + " inputs not built yet (those built are counted) and its dependents, each with its state; * marks the"
            + " path that blocks it.")
    static final class Graph extends WithBuildId {
        @Option(names = "--max", paramLabel = "N", description = "Show at most N derivations, nearest first"
                + " (default: ${DEFAULT-VALUE}).")
        int max = 500;
        @Option(names = "--dot",
                description = "Print it for Graphviz: kiln build graph ID --dot | dot -Tsvg > graph.svg")
        boolean dot;

        @Override
        public Integer call() throws IOException {
            BuildGraphInfo graph = options.client().graph(id, max);
            Output.print(spec, options, graph, out -> {
                if (dot) {
                    GraphOutput.dot(out, graph);
                } else {
                    GraphOutput.graph(out, graph);
                }
            });
            return 0;
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true, description = {"Print a build's log: each attempt begins "
            + "with a line that names it, its agent and its start.", "With --json, one JSON object a line for each "
            + "attempt: {\"attempt\":N,\"agent\":NAME,\"startedAt\":TIME,\"log\":TEXT}, printed once the attempt's "
            + "log is whole."})
    static final class Log extends WithBuildId {
        @Option(names = {"-f", "--follow"}, description = "Keep printing until the build is final.")
        boolean follow;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try (java.io.Reader log = new java.io.InputStreamReader(options.client().log(id, follow),
                    java.nio.charset.StandardCharsets.UTF_8)) {
                if (options.json) {
                    AttemptLog.readAttempts(new java.io.BufferedReader(log), attempt -> Output.json(out, attempt));
                    return 0;
                }
                char[] buffer = new char[8192];
                int read;
                while ((read = log.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            return 0;
        }
    }
}
