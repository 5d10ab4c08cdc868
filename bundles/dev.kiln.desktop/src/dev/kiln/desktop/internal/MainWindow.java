package dev.kiln.desktop.internal;

import java.util.Optional;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.window.ApplicationWindow;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Point;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;

/** The main window: menus and the current view. */
final class MainWindow extends ApplicationWindow {

    private final Optional<String> coordinator;

    MainWindow(Optional<String> coordinator) {
        super(null);
        this.coordinator = coordinator;
        addMenuBar();
        addStatusLine();
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(coordinator.map(url -> Messages.WINDOW_TITLE + " — " + url).orElse(Messages.WINDOW_TITLE));
    }

    @Override
    protected Point getInitialSize() {
        return new Point(1024, 720);
    }

    @Override
    protected MenuManager createMenuManager() {
        MenuManager menuBar = new MenuManager();
        MenuManager file = new MenuManager(Messages.MENU_FILE);
        file.add(new QuitAction());
        menuBar.add(file);
        return menuBar;
    }

    @Override
    protected Control createContents(Composite parent) {
        Composite content = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(24, 24).applyTo(content);
        Label status = new Label(content, SWT.WRAP);
        status.setText(coordinator.map(url -> String.format(Messages.CONNECTED_TO, url)).orElse(Messages.NOT_CONNECTED));
        GridDataFactory.fillDefaults().grab(true, true).applyTo(status);
        return content;
    }

    private final class QuitAction extends Action {

        QuitAction() {
            super(Messages.ACTION_QUIT);
            setAccelerator(SWT.MOD1 | 'Q');
        }

        @Override
        public void run() {
            close();
        }
    }
}
