package dev.kiln.desktop.internal;

/** The strings the desktop client shows. */
final class Messages {

    static final String WINDOW_TITLE = "Kiln";
    static final String MENU_FILE = "&File";
    static final String ACTION_QUIT = "&Quit";
    static final String NOT_CONNECTED = "Not connected to a coordinator.\nStart it with: kiln-desktop --coordinator URL";
    static final String CONNECTED_TO = "Coordinator: %s";
    static final String NO_DISPLAY = "kiln-desktop: no display found (DISPLAY and WAYLAND_DISPLAY are not set); "
            + "run it in a graphical session, or under xvfb-run";
    static final String DISPLAY_FAILED = "kiln-desktop: cannot open the display %s: %s";

    private Messages() {
    }
}
