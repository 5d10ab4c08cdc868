package dev.kiln.cli.internal;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import org.osgi.framework.BundleContext;

import dev.kiln.client.CoordinatorUnreachableException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.TypeConversionException;

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
                .registerConverter(UUID.class, KilnCommandLine::uuid)
                .registerConverter(Instant.class, KilnCommandLine::instant)
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

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("not an id (a UUID such as 0b1f3c9e-3c43-4b7a-9d1e-2a4f5f5d2f10): " + text);
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("not an ISO-8601 time such as 2026-11-22T18:00:00Z: " + text);
        }
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
