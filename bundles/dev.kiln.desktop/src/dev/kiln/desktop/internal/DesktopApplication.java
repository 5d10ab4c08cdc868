package dev.kiln.desktop.internal;

import java.io.PrintStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.SWTError;
import org.eclipse.swt.widgets.Display;

import dev.kiln.desktop.model.ClientConnection;
import dev.kiln.desktop.model.views.ConnectionsFile;
import dev.kiln.desktop.model.views.DesktopSessions;
import dev.kiln.desktop.model.views.Inputs;
import dev.kiln.desktop.model.views.SavedConnection;
import dev.kiln.desktop.model.views.VirtualThreadScheduler;
import dev.kiln.retry.Backoff;

/** The {@code kiln-desktop} launcher's application: opens the main window when a display is there. */
public final class DesktopApplication implements IApplication {

    private static final int EXIT_NO_DISPLAY = 3;
    private static final int EXIT_USAGE = 2;

    private volatile Display display;

    @Override
    public Object start(IApplicationContext context) {
        String[] args = context.getArguments().get(IApplicationContext.APPLICATION_ARGS) instanceof String[] given
                ? given : new String[0];
        context.applicationRunning();
        PrintStream err = System.err;
        Optional<URI> coordinator;
        try {
            coordinator = coordinatorOption(args).map(Inputs::coordinator);
        } catch (IllegalArgumentException e) {
            err.println("kiln-desktop: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (isBlank(System.getenv("DISPLAY")) && isBlank(System.getenv("WAYLAND_DISPLAY"))) {
            err.println(Messages.NO_DISPLAY);
            return EXIT_NO_DISPLAY;
        }
        try {
            display = new Display();
        } catch (SWTError e) {
            err.println(String.format(Messages.DISPLAY_FAILED, System.getenv("DISPLAY"), e.getMessage()));
            return EXIT_NO_DISPLAY;
        }
        try (VirtualThreadScheduler scheduler = new VirtualThreadScheduler();
                DesktopSessions sessions = new DesktopSessions(ClientConnection::new,
                        scheduler, ConnectionsFile.inUserConfig(), Backoff.DEFAULT)) {
            Optional<SavedConnection> initial = coordinator.map(url -> new SavedConnection(url,
                    sessions.saved().stream().filter(saved -> saved.coordinator().equals(url)).findFirst()
                            .map(SavedConnection::token).orElse("")));
            MainWindow window = new MainWindow(sessions, initial);
            window.setBlockOnOpen(true);
            window.open();
        } finally {
            display.dispose();
        }
        return IApplication.EXIT_OK;
    }

    @Override
    public void stop() {
        Display running = display;
        if (running != null && !running.isDisposed()) {
            running.asyncExec(() -> {
                for (var shell : running.getShells()) {
                    shell.close();
                }
            });
        }
    }

    static Optional<String> coordinatorOption(String[] args) {
        if (args.length == 0) {
            return Optional.empty();
        }
        if (args.length == 1 && args[0].startsWith("--coordinator=")) {
            return Optional.of(args[0].substring("--coordinator=".length()));
        }
        if (args.length == 2 && args[0].equals("--coordinator")) {
            return Optional.of(args[1]);
        }
        if (args.length == 1 && args[0].equals("--coordinator")) {
            throw new IllegalArgumentException("--coordinator needs a URL");
        }
        throw new IllegalArgumentException("unexpected arguments " + Arrays.toString(args)
                + "; the only option is --coordinator URL");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
