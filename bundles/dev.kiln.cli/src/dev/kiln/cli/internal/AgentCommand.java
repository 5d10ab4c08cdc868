package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.NewAgentBody;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln agent ...}: register agents, list them, give new passwords, deactivate, remove. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Manage the agents that build.",
        subcommands = {AgentCommand.New.class, AgentCommand.ListAgents.class, AgentCommand.Password.class,
                AgentCommand.Deactivate.class, AgentCommand.Activate.class, AgentCommand.Remove.class})
final class AgentCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "an agent command is required");
    }

    static void printPassword(CommandSpec spec, ClientOptions options, AgentPassword password) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            Output.json(out, password);
        } else {
            out.println("id:       " + password.id());
            out.println("password: " + password.password());
            out.println("(the password is shown only now)");
            out.flush();
        }
    }

    @Command(name = "new", mixinStandardHelpOptions = true, description = "Register an agent; prints its id and a first password.")
    static final class New implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The agent's name, unique in the farm.")
        String name;
        @Option(names = "--description", paramLabel = "TEXT", description = "What the agent is.")
        String description = "";
        @Option(names = "--system", paramLabel = "SYSTEM", description = "A system it builds for; repeatable (default: x86_64-linux).")
        List<String> systems = new ArrayList<>();
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag of the agent; repeatable.")
        List<String> tags = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            Map<String, String> tagMap = Output.tags(spec, tags);
            List<String> agentSystems = systems.isEmpty() ? List.of("x86_64-linux") : systems;
            printPassword(spec, options, options.client().createAgent(
                    new NewAgentBody(name, description, agentSystems, tagMap)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the agents.")
    static final class ListAgents implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() throws IOException {
            List<AgentInfo> agents = options.client().agents();
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, agents);
            } else {
                agents.forEach(agent -> Output.agentLine(out, agent));
                out.flush();
            }
            return 0;
        }
    }

    /** A command on one agent, named by its name or its id. */
    abstract static class OneAgent implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "AGENT", description = "The agent's name or id.")
        String id;
    }

    @Command(name = "password", mixinStandardHelpOptions = true, description = "Give an agent a new password; the old one stops working.")
    static final class Password extends OneAgent {
        @Override
        public Integer call() throws IOException {
            printPassword(spec, options, options.client().newAgentPassword(id));
            return 0;
        }
    }

    static void printAgent(CommandSpec spec, ClientOptions options, AgentInfo agent) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            Output.json(out, agent);
        } else {
            Output.agentLine(out, agent);
            out.flush();
        }
    }

    @Command(name = "deactivate", mixinStandardHelpOptions = true, description = {
            "Stop an agent from fetching builds, from now on. Its builds not started yet go back to the queue.",
            "With --drain (the default) its started builds finish on it; with --now they go back to the queue at "
                    + "once and the agent's reports on them are refused."})
    static final class Deactivate extends OneAgent {
        @ArgGroup(exclusive = true)
        Mode mode;

        static final class Mode {
            @Option(names = "--drain", description = "Let its started builds finish (the default).")
            boolean drain;
            @Option(names = "--now", description = "Take its started builds back to the queue.")
            boolean now;
        }

        @Override
        public Integer call() throws IOException {
            printAgent(spec, options, options.client().deactivateAgent(id, mode != null && mode.now));
            return 0;
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = "Let a deactivated agent fetch builds again.")
    static final class Activate extends OneAgent {
        @Override
        public Integer call() throws IOException {
            printAgent(spec, options, options.client().setAgentActive(id, true));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = {
            "Remove an agent: its password stops working, the builds it holds go back to the queue, and its name "
                    + "is free again."})
    static final class Remove extends OneAgent {
        @Override
        public Integer call() throws IOException {
            AgentInfo removed = options.client().removeAgent(id);
            Output.print(spec, options, removed,
                    out -> out.println("removed agent " + removed.name() + " (" + removed.id() + ")"));
            return 0;
        }
    }
}
