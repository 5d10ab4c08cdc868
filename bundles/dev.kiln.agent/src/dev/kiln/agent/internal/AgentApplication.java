package dev.kiln.agent.internal;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.execution.BuildExecutor;
import picocli.CommandLine;

/** The {@code kiln-agent} launcher's application. */
public final class AgentApplication implements IApplication {

    /** How long to wait for an executor service: they start with their bundle, right after the application. */
    private static final long EXECUTOR_WAIT_MILLIS = 30_000;

    private final AgentCommand command = new AgentCommand(AgentApplication::findExecutor);

    @Override
    public Object start(IApplicationContext context) {
        String[] args = context.getArguments().get(IApplicationContext.APPLICATION_ARGS) instanceof String[] given
                ? given : new String[0];
        context.applicationRunning();
        // A SIGTERM (a service manager's stop) or Ctrl-C stops gracefully: running builds finish or are handed back
        // within --stop-timeout, as the framework's own stop would do, which does not come before the JVM exits.
        Thread graceful = Thread.ofPlatform().name("kiln-agent-shutdown").unstarted(command::stop);
        Runtime.getRuntime().addShutdownHook(graceful);
        try {
            return run(args);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(graceful);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs, or has run: the JVM exits after it.
            }
        }
    }

    private Object run(String[] args) {
        return new CommandLine(command)
                .setParameterExceptionHandler((e, ignored) -> {
                    e.getCommandLine().getErr().println("kiln-agent: " + e.getMessage());
                    e.getCommandLine().getErr().println("Run 'kiln-agent --help' for usage.");
                    return 2;
                })
                .setExecutionExceptionHandler((e, commandLine, ignored) -> {
                    commandLine.getErr().println("kiln-agent: " + e.getMessage());
                    return 1;
                })
                .execute(args);
    }

    @Override
    public void stop() {
        command.stop();
    }

    private static BuildExecutor findExecutor(String name) throws InterruptedException {
        BundleContext context = FrameworkUtil.getBundle(AgentApplication.class).getBundleContext();
        ServiceTracker<BuildExecutor, BuildExecutor> tracker;
        try {
            tracker = new ServiceTracker<>(context, context.createFilter("(&(objectClass=" + BuildExecutor.class.getName()
                    + ")(" + BuildExecutor.NAME_PROPERTY + "=" + name + "))"), null);
        } catch (InvalidSyntaxException e) {
            return null;
        }
        tracker.open();
        return tracker.waitForService(EXECUTOR_WAIT_MILLIS);
    }
}
