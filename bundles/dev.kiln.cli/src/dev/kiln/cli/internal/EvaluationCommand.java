package dev.kiln.cli.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.EvaluationSummaryInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln eval ...}: the evaluations of jobsets. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "The evaluations of jobsets.",
        subcommands = {EvaluationCommand.ListEvaluations.class, EvaluationCommand.Show.class,
                EvaluationCommand.Cancel.class})
final class EvaluationCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "an eval command is required");
    }

    private static void line(PrintWriter out, EvaluationInfo evaluation) {
        out.printf("%-6d %-12s %-9s %s derivations=%d new-builds=%d%s%n", evaluation.id(), evaluation.jobset(),
                evaluation.status(), evaluation.startedAt(), evaluation.derivationsFound(), evaluation.buildsSubmitted(),
                evaluation.error() == null ? "" : " error: " + evaluation.error());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a jobset's evaluations, newest first.")
    static final class ListEvaluations implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "JOBSET", description = "The jobset's name.")
        String jobset;

        @Override
        public Integer call() throws IOException {
            List<EvaluationInfo> evaluations = options.client().evaluations(jobset);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, evaluations);
                return 0;
            }
            evaluations.forEach(evaluation -> line(out, evaluation));
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show an evaluation: commits, status and its builds by outcome.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "ID", description = "The evaluation's id.")
        long id;
        @Option(names = "--log", description = "Print what the evaluation command printed instead.")
        boolean log;

        @Override
        public Integer call() throws IOException {
            if (log) {
                OutputStream stdout = new FileOutputStream(FileDescriptor.out);
                try (InputStream in = options.client().evaluationLog(id)) {
                    in.transferTo(stdout);
                }
                stdout.flush();
                return 0;
            }
            EvaluationInfo evaluation = options.client().evaluation(id);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, evaluation);
                return 0;
            }
            line(out, evaluation);
            evaluation.commits().forEach((channel, commit) -> out.println("  " + channel + " at " + commit));
            EvaluationSummaryInfo summary = evaluation.summary();
            if (summary != null) {
                out.printf("  builds: %d succeeded, %d failed (%d newly), %d pending, %d canceled%n", summary.succeeded(),
                        summary.failed(), summary.newlyFailing(), summary.pending(), summary.canceled());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel an evaluation's pending builds.")
    static final class Cancel implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "ID", description = "The evaluation's id.")
        long id;

        @Override
        public Integer call() throws IOException {
            int canceled = options.client().cancelEvaluation(id);
            PrintWriter out = spec.commandLine().getOut();
            out.println(options.json ? "{\"canceled\":" + canceled + "}" : "canceled " + canceled + " builds");
            out.flush();
            return 0;
        }
    }
}
