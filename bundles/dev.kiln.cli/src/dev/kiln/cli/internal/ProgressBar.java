package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

import dev.kiln.client.TransferProgress;

/**
 * A progress bar for a long transfer, redrawn in place on stderr at most ten times a second, from half a second after
 * the start: a quick transfer draws nothing. It is drawn only when stderr is a terminal, never with {@code --json} or
 * {@code --quiet}; otherwise it does nothing. Updates may come from any thread, one at a time.
 */
final class ProgressBar implements AutoCloseable, TransferProgress {

    /** What the bar counts. */
    enum Unit {
        ITEMS, BYTES
    }

    static final int BAR_WIDTH = 24;
    static final long DELAY_NANOS = 500_000_000L;
    static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final LongSupplier clock;
    private final String label;
    private final Unit unit;
    private final long startedAt;
    private long total;
    private long done;
    private long drawnAt;
    private boolean drawn;
    private int drawnLength;

    ProgressBar(PrintWriter err, LongSupplier clock, String label, long total, Unit unit) {
        this.err = err;
        this.clock = clock;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.startedAt = clock.getAsLong();
    }

    /** A bar on the command's stderr if it should be shown there, else one that draws nothing. */
    static ProgressBar start(PrintWriter err, ClientOptions options, String label, long total, Unit unit) {
        boolean shown = !options.quiet && !options.json && stderrIsTerminal();
        return new ProgressBar(shown ? err : null, System::nanoTime, label, total, unit);
    }

    /** Sets how much is done; redraws when the last drawing is old enough. */
    synchronized void update(long newDone) {
        done = newDone;
        if (err == null) {
            return;
        }
        long now = clock.getAsLong();
        if (drawn ? now - drawnAt >= REDRAW_NANOS : now - startedAt >= DELAY_NANOS) {
            draw();
            drawnAt = now;
        }
    }

    @Override
    public synchronized void sent(long bytes, long newTotal) {
        total = newTotal;
        update(bytes);
    }

    /** Draws the final state and ends the line, so what follows starts on its own line. */
    @Override
    public synchronized void close() {
        if (err == null || !drawn) {
            return;
        }
        draw();
        err.print('\n');
        err.flush();
    }

    private void draw() {
        String line = render(label, done, total, unit);
        // Spaces wipe what a longer line drew before.
        err.print('\r' + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        err.flush();
        drawn = true;
        drawnLength = line.length();
    }

    /**
     * One drawing of a bar: {@code label [#####-----]  50%  5/10}, the counts in KiB/MiB/GiB for bytes; without a
     * total, the label and the count only.
     */
    static String render(String label, long done, long total, Unit unit) {
        if (total <= 0) {
            return label + "  " + amount(done, unit);
        }
        long clamped = Math.max(0, Math.min(done, total));
        int filled = (int) (BAR_WIDTH * clamped / total);
        int percent = (int) (100 * clamped / total);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s/%s", label, "#".repeat(filled),
                "-".repeat(BAR_WIDTH - filled), percent, amount(done, unit), amount(total, unit));
    }

    private static String amount(long value, Unit unit) {
        if (unit == Unit.ITEMS || value < 1024) {
            return unit == Unit.ITEMS ? Long.toString(value) : value + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double scaled = value / 1024.0;
        int index = 0;
        while (scaled >= 1024 && index < units.length - 1) {
            scaled /= 1024;
            index++;
        }
        return String.format(Locale.ROOT, "%.1f %s", scaled, units[index]);
    }

    /** Whether file descriptor 2 is a terminal, as {@code isatty(2)} tells, read from {@code /proc} on Linux. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
