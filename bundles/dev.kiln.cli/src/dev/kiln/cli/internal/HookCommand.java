package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.kiln.protocol.HookConfigurationInfo;
import dev.kiln.protocol.HookDeploymentInfo;
import dev.kiln.protocol.HookInfo;
import dev.kiln.protocol.HookList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln hook ...}: the hook bundles of a running coordinator. */
@Command(name = "hook", mixinStandardHelpOptions = true,
        description = "Install, configure, list and remove hook bundles.",
        subcommands = {HookCommand.Install.class, HookCommand.Configure.class, HookCommand.ListHooks.class,
                HookCommand.Remove.class})
final class HookCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a hook command is required");
    }

    /** A deployment's problem: its bundle is not installed, or it is and a component of it does not run. */
    private static String state(HookDeploymentInfo deployment) {
        return deployment.bundle() == null ? "not deployed: " + deployment.problem() : deployment.problem();
    }

    private static int printInstalled(CommandSpec spec, ClientOptions options, HookDeploymentInfo deployment) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            Output.json(out, deployment);
            return deployment.problem() == null ? 0 : KilnCommandLine.EXIT_FAILURE;
        }
        if (deployment.problem() != null) {
            throw new CommandFailedException(deployment.file() + (deployment.bundle() == null
                    ? " was not deployed: " : " ") + deployment.problem());
        }
        out.println("installed " + deployment.file() + " (" + deployment.bundle() + " " + deployment.version() + ")");
        out.flush();
        return 0;
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install a hook bundle (a jar) into the running coordinator, or replace it.")
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "FILE.jar", description = "The hook bundle.")
        Path jar;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(jar)) {
                throw new CommandFailedException("no such file: " + jar);
            }
            return printInstalled(spec, options, options.client().installHook(jar));
        }
    }

    @Command(name = "configure", mixinStandardHelpOptions = true,
            description = {"Set properties of a hook bundle's configuration in the running coordinator, which keeps "
                    + "them across restarts; KEY= removes a property, and no KEY=VALUE prints the configuration.",
                    "Exits 1 when the hook's components still do not run, and says why."})
    static final class Configure implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", paramLabel = "NAME", description = "The hook's file, bundle or name.")
        String name;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE", description = "Properties to set.")
        List<String> properties = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            HookConfigurationInfo configured = options.client().configureHook(name,
                    Output.keyValues(spec, "", properties));
            HookDeploymentInfo deployment = configured.deployment();
            Output.print(spec, options, configured, out -> {
                out.println(configured.pid() + (configured.properties().isEmpty() ? ": no properties" : ":"));
                configured.properties().forEach((key, value) -> out.println("    " + key + "=" + value));
                out.println(deployment.file() + (deployment.problem() == null ? ": runs" : ": " + state(deployment)));
            });
            return deployment.problem() == null ? 0 : KilnCommandLine.EXIT_FAILURE;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the hooks: bundle, events, queue length, failures.")
    static final class ListHooks implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() throws IOException {
            HookList hooks = options.client().hooks();
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, hooks.hooks());
                return 0;
            }
            for (HookInfo hook : hooks.hooks()) {
                int queued = hook.queued().values().stream().mapToInt(Integer::intValue).sum();
                out.printf("%-28s %-40s events=%s queued=%d failures=%d%s%n", hook.name(),
                        hook.bundle() + " " + hook.version(), String.join(",", hook.events()), queued, hook.failures(),
                        hook.lastFailure() == null ? "" : " last failure: " + hook.lastFailure());
            }
            for (HookDeploymentInfo deployment : hooks.deployments()) {
                if (deployment.problem() != null) {
                    out.printf("%-28s %s%n", deployment.file(), state(deployment));
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a hook bundle, by its file name, bundle name or hook name.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The hook's file, bundle or name.")
        String name;

        @Override
        public Integer call() throws IOException {
            HookDeploymentInfo removed = options.client().removeHook(name);
            Output.print(spec, options, removed, out -> out.println("removed " + removed.file()
                    + (removed.bundle() == null ? "" : " (" + removed.bundle() + " " + removed.version() + ")")
                    + (removed.problem() == null ? "" : "; it had not been deployed: " + removed.problem())));
            return 0;
        }
    }
}
