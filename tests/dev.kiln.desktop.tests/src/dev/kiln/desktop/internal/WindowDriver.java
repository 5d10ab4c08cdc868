package dev.kiln.desktop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.Widget;

import dev.kiln.desktop.model.FarmConnector;
import dev.kiln.desktop.model.views.ConnectionsFile;
import dev.kiln.desktop.model.views.DesktopSessions;
import dev.kiln.desktop.model.views.SavedConnection;
import dev.kiln.desktop.model.views.VirtualThreadScheduler;
import dev.kiln.retry.Backoff;

/**
 * Drives the desktop client on the real display for a test: opens the main window, runs the event loop until a
 * condition holds, finds widgets by the names set with {@link WidgetIds} in every open shell, and takes screenshots.
 * Needs a display: run under xvfb-run.
 */
final class WindowDriver implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofMillis(400);
    private static final int POLL_MILLIS = 20;

    final Display display;
    final VirtualThreadScheduler scheduler = new VirtualThreadScheduler();
    DesktopSessions sessions;
    MainWindow window;

    WindowDriver() {
        assertTrue(System.getenv("DISPLAY") != null, "a display is needed: run the build under xvfb-run");
        display = Display.getDefault();
    }

    /** Opens the main window on a session with {@code coordinator}, remembering connections under {@code config}. */
    MainWindow open(FarmConnector connector, Path config, URI coordinator, String token) {
        closeWindow();
        sessions = new DesktopSessions(connector, scheduler, new ConnectionsFile(config.resolve("connections.properties")),
                Backoff.DEFAULT);
        window = new MainWindow(sessions, Optional.of(new SavedConnection(coordinator, token)));
        window.setBlockOnOpen(false);
        window.open();
        return window;
    }

    MainActions actions() {
        try {
            java.lang.reflect.Field field = MainWindow.class.getDeclaredField("actions");
            field.setAccessible(true);
            return (MainActions) field.get(window);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the event loop until {@code condition} holds. */
    void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            dispatchPending();
            pause();
        }
    }

    /** Runs the event loop for a moment, so that what was changed is laid out and painted. */
    void settle() {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            dispatchPending();
            display.update();
            pause();
        }
    }

    /** The one widget named {@code id} in any open shell, waiting for it to be created. */
    <W extends Widget> W find(String id, Class<W> type) {
        List<Widget> found = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            for (Shell shell : display.getShells()) {
                collect(shell, control -> id.equals(control.getData(WidgetIds.KEY)), found);
            }
            if (found.isEmpty()) {
                dispatchPending();
                pause();
            }
        }
        assertEquals(1, found.size(), "one widget named " + id);
        return type.cast(found.get(0));
    }

    /**
     * Has {@code answer} run on the dialog of {@code type} once it is open, from inside its event loop: for an action
     * that opens a modal dialog and returns only when it is closed. Call it before running the action.
     */
    <D extends Window> void whenOpen(Class<D> type, Consumer<D> answer) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        display.timerExec(POLL_MILLIS, new Runnable() {
            @Override
            public void run() {
                for (Shell shell : display.getShells()) {
                    if (type.isInstance(shell.getData()) && shell.isVisible()) {
                        answer.accept(type.cast(shell.getData()));
                        return;
                    }
                }
                if (System.nanoTime() < deadline) {
                    display.timerExec(POLL_MILLIS, this);
                } else {
                    Arrays.stream(display.getShells()).filter(shell -> shell.getData() instanceof Window)
                            .forEach(Shell::close);
                }
            }
        });
    }

    /** Answers OK to the next confirmation the client asks for. Call it before running the action that asks. */
    void confirmWhenAsked() {
        whenOpen(MessageDialog.class, dialog -> press(dialog, IDialogConstants.OK_LABEL.replace("&", "")));
    }

    /** Presses the button labelled {@code label} in the dialog, as a click does. */
    static void press(Window dialog, String label) {
        List<Widget> buttons = new ArrayList<>();
        collect(dialog.getShell(), control -> control instanceof Button button
                && label.equals(button.getText().replace("&", "")), buttons);
        assertEquals(1, buttons.size(), "one button " + label);
        select(buttons.get(0));
    }

    /** The one text field of the dialog that can be typed in, as an input dialog has. */
    static Text inputText(Window dialog) {
        List<Widget> texts = new ArrayList<>();
        collect(dialog.getShell(), control -> control instanceof Text text && text.getEditable(), texts);
        assertEquals(1, texts.size(), "one text field to type in");
        return (Text) texts.get(0);
    }

    /** Sends a selection event, as a click does. */
    static void select(Widget widget) {
        widget.notifyListeners(SWT.Selection, new Event());
    }

    /** Keeps a picture of the screen beside the test reports, taken once the window is painted. */
    void screenshot(String name) throws Exception {
        settle();
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return;
        }
        Process process = new ProcessBuilder("import", "-window", "root", target.resolve(name).toString())
                .redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        closeWindow();
        scheduler.close();
        display.dispose();
    }

    private void closeWindow() {
        if (window != null) {
            window.close();
            window = null;
        }
        if (sessions != null) {
            sessions.close();
            sessions = null;
        }
    }

    private void dispatchPending() {
        while (display.readAndDispatch()) {
            // Run every pending event before looking again.
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void collect(Control control, Predicate<Control> wanted, List<Widget> found) {
        if (wanted.test(control)) {
            found.add(control);
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                collect(child, wanted, found);
            }
        }
    }
}
