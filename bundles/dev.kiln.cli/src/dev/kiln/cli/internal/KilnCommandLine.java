package dev.kiln.cli.internal;

import java.io.PrintWriter;

import org.osgi.framework.BundleContext;

import dev.kiln.client.CoordinatorUnreachableException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;

/**
 * Parses and runs one {@code kiln} command line. Errors become one readable line on stderr and a non-zero exit:
 * {@value #EXIT_USAGE} for a command line that does not parse, {@value #EXIT_FAILURE} for a command that failed or that
 * the coordinator refused, {@value #EXIT_UNREACHABLE} when the coordinator cannot be reached.
 */
public final class KilnCommandLine {

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;

    private final PrintWriter out;
    private final PrintWriter err;
    private final CoordinatorCommand coordinator;

    /**
     * @param bundles the context through which commands reach the framework's services
     * @param out where commands write their results
     * @param err where progress and errors go
     */
    public KilnCommandLine(BundleContext bundles, PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
        this.coordinator = new CoordinatorCommand(bundles);
    }

    public int run(String... args) {
        // Settings apply to the subcommands present when they are set: add the subcommands first.
        CommandLine commandLine = new CommandLine(new KilnCommand())
                .addSubcommand(coordinator)
                .addSubcommand(new BuildCommand())
                .addSubcommand(new AgentCommand())
                .addSubcommand(new TokenCommand())
                .addSubcommand(new CacheCommand())
                .addSubcommand(new StoreCommand())
                .addSubcommand(new HookCommand())
                .addSubcommand(new JobsetCommand())
                .addSubcommand(new EvaluationCommand())
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(usageErrors())
                .setExecutionExceptionHandler(failures());
        return commandLine.execute(args);
    }

    /** Asks a long-running command (the coordinator) to stop. */
    public void stop() {
        coordinator.stop();
    }

    private static IParameterExceptionHandler usageErrors() {
        return (e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("kiln: " + e.getMessage());
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return EXIT_USAGE;
        };
    }

    private static IExecutionExceptionHandler failures() {
        return (e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CommandFailedException failed) {
                err.println("kiln: " + failed.getMessage());
                err.flush();
                return failed.exitCode();
            }
            if (e instanceof CoordinatorUnreachableException unreachable) {
                err.println("kiln: " + unreachable.getMessage());
                err.flush();
                return EXIT_UNREACHABLE;
            }
            err.println("kiln: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
            err.flush();
            return EXIT_FAILURE;
        };
    }
}
