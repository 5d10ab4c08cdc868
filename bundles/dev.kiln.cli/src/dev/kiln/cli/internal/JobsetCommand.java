package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.kiln.protocol.ChannelInfo;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.JobsetInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln jobset ...}: the git repositories the coordinator follows and evaluates into builds. */
@Command(name = "jobset", mixinStandardHelpOptions = true, description = "Continuous integration: follow git repositories.",
        subcommands = {JobsetCommand.Add.class, JobsetCommand.ListJobsets.class, JobsetCommand.Show.class,
                JobsetCommand.Change.class, JobsetCommand.Evaluate.class, JobsetCommand.Disable.class,
                JobsetCommand.Enable.class, JobsetCommand.Remove.class})
final class JobsetCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a jobset command is required");
    }

    static void print(CommandSpec spec, ClientOptions options, JobsetInfo jobset) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            Output.json(out, jobset);
            return;
        }
        out.println("name:      " + jobset.name() + (Boolean.FALSE.equals(jobset.enabled()) ? " (disabled)" : ""));
        for (ChannelInfo channel : jobset.channels()) {
            out.println("channel:   " + channel.name() + " = " + channel.url() + " (" + channel.branch() + ")");
        }
        out.println("command:   " + jobset.evaluationCommand());
        out.println("store:     " + jobset.storeDir()
                + (jobset.storeRoot() == null || jobset.storeRoot().equals(jobset.storeDir()) ? "" : " at " + jobset.storeRoot()));
        out.println("period:    " + (jobset.periodSeconds() == 0 ? "on demand" : jobset.periodSeconds() + " s"));
        out.println("priority:  " + jobset.priority());
        out.println("tags:      " + Output.tags(jobset.tags()));
        if (jobset.evaluationTimeoutSeconds() != null) {
            out.println("time limit: " + jobset.evaluationTimeoutSeconds() + " s an evaluation");
        }
        if (jobset.lastEvaluation() != null) {
            out.println("evaluated: " + lastEvaluation(jobset));
        }
        out.flush();
    }

    /** The newest evaluation in a few words: its id, how it stands and when it started. */
    static String lastEvaluation(JobsetInfo jobset) {
        EvaluationInfo last = jobset.lastEvaluation();
        return last == null ? "never evaluated" : "#" + last.id() + " " + last.status() + " " + last.startedAt();
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a jobset.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The jobset's name.")
        String name;
        @Option(names = "--channel", required = true, paramLabel = "NAME=URL[#BRANCH]",
                description = "A git repository to follow (branch main unless given); repeatable. "
                        + "The evaluation finds its checkout in $KILN_CHANNEL_<NAME>; the first is its directory.")
        List<String> channels = new ArrayList<>();
        @Option(names = "--command", required = true, paramLabel = "COMMAND",
                description = "Run by /bin/sh in the checkout; prints .drv paths as it finds them.")
        String command;
        @Option(names = "--store-dir", defaultValue = "/nix/store", paramLabel = "DIR",
                description = "The store directory of the derivations (default: ${DEFAULT-VALUE}).")
        String storeDir;
        @Option(names = "--store-root", paramLabel = "DIR",
                description = "Where that store is on the coordinator's machine, if not at the store directory.")
        String storeRoot;
        @Option(names = "--period", defaultValue = "0", paramLabel = "SECONDS",
                description = "Check the channels this often; 0 evaluates on demand only (default: ${DEFAULT-VALUE}).")
        long periodSeconds;
        @Option(names = "--priority", defaultValue = "0", paramLabel = "N", description = "The priority of its builds.")
        int priority;
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag for its builds; repeatable.")
        List<String> tags = new ArrayList<>();
        @Option(names = "--max-builds", paramLabel = "N", description = "Submit at most N derivations an evaluation.")
        Integer maxBuilds;
        @Option(names = "--supersede", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "A newer evaluation cancels what older ones still have pending and it no longer needs "
                        + "(default: on; --no-supersede keeps it).")
        boolean supersede;
        @Option(names = "--evaluation-timeout", paramLabel = "SECONDS",
                description = "Stop an evaluation that runs longer, and fail it (default: the coordinator's limit).")
        Long evaluationTimeout;

        @Override
        public Integer call() throws IOException {
            print(spec, options, options.client().addJobset(new JobsetInfo(name, channels(spec, channels), command,
                    storeDir, storeRoot, periodSeconds, priority, Output.tags(spec, tags), true, maxBuilds, supersede,
                    null, null, null, evaluationTimeout(spec, evaluationTimeout))));
            return 0;
        }
    }

    @Command(name = "change", mixinStandardHelpOptions = true,
            description = "Change a jobset: what is given replaces what it had; the rest stays.")
    static final class Change implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The jobset's name.")
        String name;
        @Option(names = "--channel", paramLabel = "NAME=URL[#BRANCH]",
                description = "A git repository to follow; repeatable; the ones given replace all of them.")
        List<String> channels;
        @Option(names = "--command", paramLabel = "COMMAND", description = "The evaluation command.")
        String command;
        @Option(names = "--store-dir", paramLabel = "DIR", description = "The store directory of the derivations.")
        String storeDir;
        @Option(names = "--store-root", paramLabel = "DIR",
                description = "Where that store is on the coordinator's machine.")
        String storeRoot;
        @Option(names = "--period", paramLabel = "SECONDS", description = "Check the channels this often; 0: on demand.")
        Long periodSeconds;
        @Option(names = "--priority", paramLabel = "N", description = "The priority of its builds.")
        Integer priority;
        @Option(names = "--tag", paramLabel = "KEY=VALUE",
                description = "A tag for its builds; repeatable; the ones given replace all of them.")
        List<String> tags;
        @Option(names = "--max-builds", paramLabel = "N", description = "Submit at most N derivations an evaluation.")
        Integer maxBuilds;
        @Option(names = "--supersede", negatable = true,
                description = "Whether a newer evaluation cancels what older ones still have pending.")
        Boolean supersede;
        @Option(names = "--evaluation-timeout", paramLabel = "SECONDS",
                description = "Stop an evaluation that runs longer, and fail it; 0 for the coordinator's limit.")
        Long evaluationTimeout;

        @Override
        public Integer call() throws IOException {
            JobsetInfo old = options.client().jobset(name);
            JobsetInfo changed = new JobsetInfo(name,
                    channels == null ? old.channels() : channels(spec, channels),
                    command == null ? old.evaluationCommand() : command,
                    storeDir == null ? old.storeDir() : storeDir,
                    storeRoot == null ? old.storeRoot() : storeRoot,
                    periodSeconds == null ? old.periodSeconds() : periodSeconds,
                    priority == null ? old.priority() : priority,
                    tags == null ? old.tags() : Output.tags(spec, tags),
                    old.enabled(),
                    maxBuilds == null ? old.maxBuildsPerEvaluation() : maxBuilds,
                    supersede == null ? old.supersede() : supersede, null, null, null,
                    evaluationTimeout(spec, evaluationTimeout));
            print(spec, options, options.client().updateJobset(changed));
            return 0;
        }
    }

    private static Long evaluationTimeout(CommandSpec spec, Long seconds) {
        if (seconds != null && seconds < 0) {
            throw new ParameterException(spec.commandLine(), "--evaluation-timeout: " + seconds + " is negative");
        }
        return seconds;
    }

    private static List<ChannelInfo> channels(CommandSpec spec, List<String> texts) {
        List<ChannelInfo> channels = new ArrayList<>();
        for (String text : texts) {
            channels.add(channel(spec, text));
        }
        return channels;
    }

    private static ChannelInfo channel(CommandSpec spec, String text) {
        int equals = text.indexOf('=');
        if (equals <= 0 || equals == text.length() - 1) {
            throw new ParameterException(spec.commandLine(), "--channel: '" + text + "' is not NAME=URL[#BRANCH]");
        }
        String url = text.substring(equals + 1);
        int hash = url.lastIndexOf('#');
        String branch = hash < 0 ? "main" : url.substring(hash + 1);
        return new ChannelInfo(text.substring(0, equals), hash < 0 ? url : url.substring(0, hash), branch);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the jobsets.")
    static final class ListJobsets implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() throws IOException {
            List<JobsetInfo> jobsets = options.client().jobsets();
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, jobsets);
                return 0;
            }
            for (JobsetInfo jobset : jobsets) {
                out.printf("%-24s %-9s %-28s %s%n", jobset.name(),
                        Boolean.FALSE.equals(jobset.enabled()) ? "disabled" : "enabled", lastEvaluation(jobset),
                        jobset.channels().isEmpty() ? "" : jobset.channels().get(0).url());
            }
            out.flush();
            return 0;
        }
    }

    /** The commands that take a jobset's name and print the jobset. */
    abstract static class OnJobset implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The jobset's name.")
        String name;

        abstract JobsetInfo apply(String jobset) throws IOException;

        @Override
        public Integer call() throws IOException {
            print(spec, options, apply(name));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a jobset.")
    static final class Show extends OnJobset {
        @Override
        JobsetInfo apply(String jobset) throws IOException {
            return options.client().jobset(jobset);
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Evaluate a jobset now, even if its channels did not move.")
    static final class Evaluate extends OnJobset {
        @Option(names = "--rebuild-failures",
                description = "Build again each failed build among the derivations found, with its dependents, "
                        + "instead of keeping the known failure.")
        boolean rebuildFailures;

        @Override
        JobsetInfo apply(String jobset) throws IOException {
            return options.client().evaluateJobset(jobset, rebuildFailures);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop evaluating a jobset; keep it.")
    static final class Disable extends OnJobset {
        @Override
        JobsetInfo apply(String jobset) throws IOException {
            return options.client().setJobsetEnabled(jobset, false);
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Evaluate a disabled jobset again.")
    static final class Enable extends OnJobset {
        @Override
        JobsetInfo apply(String jobset) throws IOException {
            return options.client().setJobsetEnabled(jobset, true);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a jobset; its builds stay.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The jobset's name.")
        String name;

        @Override
        public Integer call() throws IOException {
            options.client().removeJobset(name);
            Output.print(spec, options, Map.of("removed", name),
                    out -> out.println("removed jobset " + name + "; its builds stay"));
            return 0;
        }
    }
}
