package dev.kiln.cli.internal;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;

import dev.kiln.client.CoordinatorUnreachableException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
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

    private static final Set<String> VERSION_OPTIONS = Set.of("-V", "--version");

    private final PrintWriter out;
    private final PrintWriter err;
    /** {@code kiln coordinator} inside the framework; {@code null} on a plain class path. */
    private final CoordinatorCommand coordinator;

    /**
     * Every command, inside the framework.
     *
     * @param bundles the context through which {@code kiln coordinator} reaches the framework's services
     * @param out where commands write their results
     * @param err where progress and errors go
     */
    public KilnCommandLine(BundleContext bundles, PrintWriter out, PrintWriter err) {
        this(new CoordinatorCommand(bundles), out, err);
    }

    private KilnCommandLine(CoordinatorCommand coordinator, PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
        this.coordinator = coordinator;
    }

    /**
     * The client and offline commands on a plain class path, writing to the process's standard streams. No class of
     * the framework is loaded: {@code kiln coordinator} is only described, and {@code bin/kiln} starts the framework
     * for it.
     */
    static KilnCommandLine withoutFramework() {
        return withoutFramework(standard(System.out), standard(System.err));
    }

    /** The client and offline commands on a plain class path, writing to these writers. */
    static KilnCommandLine withoutFramework(PrintWriter out, PrintWriter err) {
        return new KilnCommandLine((CoordinatorCommand) null, out, err);
    }

    /** A writer of UTF-8 text to one of the process's standard streams, flushed at each line. */
    static PrintWriter standard(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    public int run(String... args) {
        if (args.length == 1 && VERSION_OPTIONS.contains(args[0])) {
            // What picocli would print, without the half of the run that reading the commands' model into it takes.
            for (String line : new KilnVersion().getVersion()) {
                out.println(line);
            }
            out.flush();
            return 0;
        }
        CommandLine commandLine = new CommandLine(new KilnCommand());
        // Settings apply to the subcommands present when they are set: add the subcommands first. Reading a command's
        // annotations into its model is much of a short command's time: a line that names a command gets only that
        // one, and only the subcommand of it that the line names. The others are for the help and for lines that name
        // none.
        Map<String, Supplier<Object>> commands = commands();
        Supplier<Object> named = args.length > 0 ? commands.get(args[0]) : null;
        if (named != null) {
            commandLine.addSubcommand(args[0], narrowed(named.get(), args.length > 1 ? args[1] : null));
        } else {
            commands.values().forEach(command -> commandLine.addSubcommand(command.get()));
        }
        commandLine
                .registerConverter(UUID.class, KilnCommandLine::uuid)
                .registerConverter(Instant.class, KilnCommandLine::instant)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(usageErrors())
                .setExecutionExceptionHandler(failures());
        return commandLine.execute(args);
    }

    /** Kiln's commands by name, in the order the help lists them. */
    private Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("coordinator", () -> coordinator != null ? coordinator : new CoordinatorOutsideFramework());
        commands.put("build", BuildCommand::new);
        commands.put("agent", AgentCommand::new);
        commands.put("token", TokenCommand::new);
        commands.put("cache", CacheCommand::new);
        commands.put("gc", GcCommand::new);
        commands.put("store", StoreCommand::new);
        commands.put("hook", HookCommand::new);
        commands.put("jobset", JobsetCommand::new);
        commands.put("eval", EvaluationCommand::new);
        return commands;
    }

    /**
     * A group of commands such as {@code kiln build} with only the subcommand its line names, as its annotation lists
     * it; the whole group when the line names none of them (its help, a mistake, an option first).
     */
    private static Object narrowed(Object group, String subcommand) {
        Command annotation = group.getClass().getAnnotation(Command.class);
        if (annotation == null || subcommand == null) {
            return group;
        }
        for (Class<?> candidate : annotation.subcommands()) {
            Command named = candidate.getAnnotation(Command.class);
            if (named != null && (named.name().equals(subcommand) || List.of(named.aliases()).contains(subcommand))) {
                CommandSpec spec = CommandSpec.create().name(annotation.name())
                        .mixinStandardHelpOptions(annotation.mixinStandardHelpOptions());
                spec.usageMessage().description(annotation.description());
                return new CommandLine(spec).addSubcommand(new CommandLine(candidate));
            }
        }
        return group;
    }

    /** Asks a long-running command (the coordinator) to stop. */
    public void stop() {
        if (coordinator != null) {
            coordinator.stop();
        }
    }

    /** {@code kiln coordinator} where there is no framework to run it in: listed in the help, and says where it runs. */
    @Command(name = "coordinator", mixinStandardHelpOptions = true, description = CoordinatorCommand.DESCRIPTION)
    static final class CoordinatorOutsideFramework implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new CommandFailedException("the coordinator runs in the OSGi framework: start it with bin/kiln coordinator");
        }
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
