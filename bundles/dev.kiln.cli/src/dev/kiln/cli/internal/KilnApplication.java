package dev.kiln.cli.internal;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/** The {@code kiln} launcher's application: runs one command line and returns its exit code. */
public final class KilnApplication implements IApplication {

    private volatile KilnCommandLine commandLine;

    @Override
    public Object start(IApplicationContext context) {
        String[] args = context.getArguments().get(IApplicationContext.APPLICATION_ARGS) instanceof String[] given
                ? given : new String[0];
        context.applicationRunning();
        BundleContext bundles = FrameworkUtil.getBundle(KilnApplication.class).getBundleContext();
        commandLine = new KilnCommandLine(bundles,
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        return commandLine.run(args);
    }

    @Override
    public void stop() {
        KilnCommandLine running = commandLine;
        if (running != null) {
            running.stop();
        }
    }
}
