package dev.kiln.cli.internal;

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
        commandLine = new KilnCommandLine(bundles, KilnCommandLine.standard(System.out),
                KilnCommandLine.standard(System.err));
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
