package dev.kiln.agent.internal;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;

import picocli.CommandLine;

/** The {@code kiln-agent} launcher's application. */
public final class AgentApplication implements IApplication {

    private final AgentCommand command = new AgentCommand();

    @Override
    public Object start(IApplicationContext context) {
        String[] args = context.getArguments().get(IApplicationContext.APPLICATION_ARGS) instanceof String[] given
                ? given : new String[0];
        context.applicationRunning();
        return new CommandLine(command)
                .setParameterExceptionHandler((e, ignored) -> {
                    e.getCommandLine().getErr().println("kiln-agent: " + e.getMessage());
                    e.getCommandLine().getErr().println("Run 'kiln-agent --help' for usage.");
                    return 2;
                })
                .execute(args);
    }

    @Override
    public void stop() {
        command.stop();
    }
}
