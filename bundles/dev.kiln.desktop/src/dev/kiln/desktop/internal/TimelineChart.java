package dev.kiln.desktop.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.ScrollBar;

import dev.kiln.desktop.model.views.AgentTimeline;
import dev.kiln.desktop.model.views.AgentTimeline.Bar;
import dev.kiln.desktop.model.views.AgentTimeline.Row;
import dev.kiln.desktop.model.views.DurationText;

/**
 * The agent timeline drawn with SWT's GC: a Gantt chart of rows (agent slots) under a time axis that ends now. Drawn
 * by hand rather than with a charting library: the Java charting libraries on Maven Central draw on AWT or JavaFX
 * (JFreeChart, XChart) and would need a bridge into SWT, and SWT's own chart (SWTChart) is not published there; a
 * Gantt chart is rectangles and text, which GC draws directly and fast.
 *
 * <p>Keyboard: Left and Right move between the bars of a row, Up and Down between rows, Enter opens the selected
 * build, + and − zoom. The mouse: a click on a bar opens its build, the wheel with Ctrl zooms, without it scrolls.
 * Display thread.
 */
final class TimelineChart {

    static final int ROW_HEIGHT = 22;
    static final int LABEL_WIDTH = 170;
    static final int AXIS_HEIGHT = 22;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter CLOCK_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final Canvas canvas;
    private final Consumer<Bar> open;
    private final Consumer<Integer> zoom;
    private AgentTimeline timeline = new AgentTimeline(Instant.EPOCH, Instant.EPOCH.plusSeconds(1), List.of());
    private int topRow;
    private int selectedRow = -1;
    private Bar selected;

    /**
     * @param open told the bar to open, on a click or Enter
     * @param zoom told +1 to zoom out, -1 to zoom in
     */
    TimelineChart(Composite parent, Consumer<Bar> open, Consumer<Integer> zoom) {
        this.open = open;
        this.zoom = zoom;
        canvas = WidgetIds.name(new Canvas(parent, SWT.DOUBLE_BUFFERED | SWT.V_SCROLL | SWT.BORDER),
                WidgetIds.TIMELINE_CHART);
        canvas.addPaintListener(event -> paint(event.gc));
        canvas.addListener(SWT.MouseDown, this::clicked);
        canvas.addListener(SWT.MouseMove, this::hovered);
        canvas.addListener(SWT.KeyDown, this::keyPressed);
        canvas.addListener(SWT.MouseVerticalWheel, this::wheel);
        canvas.addListener(SWT.Resize, event -> updateScrollBar());
        canvas.addListener(SWT.Traverse, event -> {
            if (event.detail == SWT.TRAVERSE_RETURN) {
                event.doit = false;
            }
        });
        canvas.addListener(SWT.FocusIn, event -> canvas.redraw());
        canvas.addListener(SWT.FocusOut, event -> canvas.redraw());
        canvas.getVerticalBar().addListener(SWT.Selection, event -> {
            topRow = canvas.getVerticalBar().getSelection();
            canvas.redraw();
        });
    }

    Canvas control() {
        return canvas;
    }

    AgentTimeline timeline() {
        return timeline;
    }

    /** The bar selected with the keyboard or the mouse, or {@code null}. */
    Bar selected() {
        return selected;
    }

    void show(AgentTimeline shown) {
        timeline = shown;
        if (selected != null) {
            reselect();
        }
        updateScrollBar();
        canvas.redraw();
    }

    /** Finds the selected build again in a new timeline: its bar may have grown or moved to another slot. */
    private void reselect() {
        List<Row> rows = timeline.rows();
        for (int row = 0; row < rows.size(); row++) {
            for (Bar bar : rows.get(row).bars()) {
                if (bar.build().equals(selected.build())) {
                    selected = bar;
                    selectedRow = row;
                    return;
                }
            }
        }
        selected = null;
        selectedRow = -1;
    }

    /** Where the bar of {@code build} is drawn in the canvas, or {@code null} when it is not in sight. */
    Rectangle boundsOf(UUID build) {
        Rectangle area = canvas.getClientArea();
        List<Row> rows = timeline.rows();
        for (int row = topRow; row < rows.size(); row++) {
            for (Bar bar : rows.get(row).bars()) {
                if (bar.build().equals(build)) {
                    return bounds(bar, AXIS_HEIGHT + (row - topRow) * ROW_HEIGHT, area);
                }
            }
        }
        return null;
    }

    private void updateScrollBar() {
        ScrollBar bar = canvas.getVerticalBar();
        int visible = Math.max(1, (canvas.getClientArea().height - AXIS_HEIGHT) / ROW_HEIGHT);
        int rows = timeline.rows().size();
        topRow = Math.max(0, Math.min(topRow, rows - visible));
        bar.setValues(topRow, 0, Math.max(rows, 1), Math.min(visible, Math.max(rows, 1)), 1, visible);
        bar.setVisible(rows > visible);
    }

    private int x(Instant time, Rectangle area) {
        double width = area.width - LABEL_WIDTH - 8;
        double span = Duration.between(timeline.from(), timeline.to()).toMillis();
        double offset = Duration.between(timeline.from(), time).toMillis();
        return LABEL_WIDTH + (int) Math.round(width * Math.max(0, Math.min(span, offset)) / span);
    }

    private void paint(GC gc) {
        Rectangle area = canvas.getClientArea();
        gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        gc.fillRectangle(area);
        if (area.width <= LABEL_WIDTH + 20) {
            return;
        }
        paintAxis(gc, area);
        List<Row> rows = timeline.rows();
        Color text = canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND);
        Color grid = canvas.getDisplay().getSystemColor(SWT.COLOR_WIDGET_LIGHT_SHADOW);
        for (int row = topRow; row < rows.size(); row++) {
            int y = AXIS_HEIGHT + (row - topRow) * ROW_HEIGHT;
            if (y > area.height) {
                break;
            }
            Row shown = rows.get(row);
            gc.setForeground(grid);
            gc.drawLine(0, y + ROW_HEIGHT - 1, area.width, y + ROW_HEIGHT - 1);
            gc.setForeground(text);
            String label = shown.slot() == 0 ? shown.agentName() : "  slot " + (shown.slot() + 1);
            gc.setClipping(0, y, LABEL_WIDTH - 4, ROW_HEIGHT);
            gc.drawText(label, 6, y + (ROW_HEIGHT - gc.getFontMetrics().getHeight()) / 2, true);
            gc.setClipping((Rectangle) null);
            for (Bar bar : shown.bars()) {
                paintBar(gc, area, bar, y);
            }
        }
        if (rows.isEmpty()) {
            gc.setForeground(text);
            gc.drawText(Messages.TIMELINE_NO_AGENTS, LABEL_WIDTH, AXIS_HEIGHT + 6, true);
        }
    }

    private void paintAxis(GC gc, Rectangle area) {
        Color text = canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND);
        Color grid = canvas.getDisplay().getSystemColor(SWT.COLOR_WIDGET_LIGHT_SHADOW);
        long spanMinutes = Duration.between(timeline.from(), timeline.to()).toMinutes();
        Duration step = spanMinutes <= 5 ? Duration.ofMinutes(1) : spanMinutes <= 30 ? Duration.ofMinutes(5)
                : spanMinutes <= 60 ? Duration.ofMinutes(10) : spanMinutes <= 360 ? Duration.ofHours(1)
                        : Duration.ofHours(3);
        long stepMillis = step.toMillis();
        String now = Messages.TIMELINE_NOW + " " + CLOCK_SECONDS.format(timeline.to());
        int nowX = area.width - gc.textExtent(now).x - 6;
        Instant tick = Instant.ofEpochMilli((timeline.from().toEpochMilli() / stepMillis + 1) * stepMillis);
        for (; tick.isBefore(timeline.to()); tick = tick.plus(step)) {
            int x = x(tick, area);
            gc.setForeground(grid);
            gc.drawLine(x, AXIS_HEIGHT - 4, x, area.height);
            String label = CLOCK.format(tick);
            int width = gc.textExtent(label).x;
            // A tick's time would overlap the time of now at the right: the line alone says where it is.
            if (x + width / 2 + 8 < nowX) {
                gc.setForeground(text);
                gc.drawText(label, x - width / 2, 2, true);
            }
        }
        gc.setForeground(grid);
        gc.drawLine(LABEL_WIDTH, AXIS_HEIGHT - 1, area.width, AXIS_HEIGHT - 1);
        gc.setForeground(text);
        gc.drawText(now, nowX, 2, true);
    }

    /** The bar's rectangle in a row whose top is {@code y}: at least two pixels wide, so that a short build shows. */
    private Rectangle bounds(Bar bar, int y, Rectangle area) {
        int left = x(bar.start(), area);
        int right = Math.max(left + 2, x(bar.endOr(timeline.to()), area));
        return new Rectangle(left, y + 3, right - left, ROW_HEIGHT - 7);
    }

    private void paintBar(GC gc, Rectangle area, Bar bar, int y) {
        Rectangle box = bounds(bar, y, area);
        gc.setBackground(new Color(Images.color(bar.state())));
        gc.fillRectangle(box);
        if (bar.equals(selected)) {
            gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
            gc.setLineWidth(canvas.isFocusControl() ? 2 : 1);
            gc.drawRectangle(box.x - 1, box.y - 1, box.width + 1, box.height + 1);
            gc.setLineWidth(1);
        }
        Point extent = gc.textExtent(bar.name());
        if (extent.x + 6 < box.width) {
            gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_WHITE));
            gc.drawText(bar.name(), box.x + 3, y + (ROW_HEIGHT - extent.y) / 2, true);
        }
    }

    private int rowAt(int y) {
        return y < AXIS_HEIGHT ? -1 : topRow + (y - AXIS_HEIGHT) / ROW_HEIGHT;
    }

    /** The bar under a point: of those whose box, widened by two pixels, holds it, the one whose middle is nearest. */
    private Bar barAt(int x, int y) {
        int row = rowAt(y);
        if (x < LABEL_WIDTH || row < 0 || row >= timeline.rows().size()) {
            return null;
        }
        Rectangle area = canvas.getClientArea();
        Bar nearest = null;
        int best = Integer.MAX_VALUE;
        for (Bar bar : timeline.rows().get(row).bars()) {
            Rectangle box = bounds(bar, 0, area);
            int distance = Math.abs(box.x + box.width / 2 - x);
            if (x >= box.x - 2 && x <= box.x + box.width + 2 && distance < best) {
                best = distance;
                nearest = bar;
            }
        }
        return nearest;
    }

    private void clicked(Event event) {
        canvas.setFocus();
        if (event.button != 1) {
            return;
        }
        Bar bar = barAt(event.x, event.y);
        if (bar != null) {
            select(rowAt(event.y), bar);
            open.accept(bar);
        }
    }

    private void hovered(Event event) {
        Bar bar = barAt(event.x, event.y);
        String tip = bar == null ? null : String.format(Messages.TIMELINE_TIP, bar.name(), bar.state(),
                CLOCK_SECONDS.format(bar.start()), bar.end() == null ? Messages.TIMELINE_NOW
                        : CLOCK_SECONDS.format(bar.end()),
                DurationText.of(Duration.between(bar.start(), bar.endOr(timeline.to())).toSeconds()));
        if (!java.util.Objects.equals(tip, canvas.getToolTipText())) {
            canvas.setToolTipText(tip);
        }
    }

    private void wheel(Event event) {
        if ((event.stateMask & SWT.MOD1) != 0) {
            zoom.accept(event.count > 0 ? -1 : 1);
            event.doit = false;
        }
    }

    private void keyPressed(Event event) {
        List<Row> rows = timeline.rows();
        switch (event.keyCode) {
            case SWT.ARROW_LEFT, SWT.ARROW_RIGHT -> moveInRow(event.keyCode == SWT.ARROW_RIGHT ? 1 : -1);
            case SWT.ARROW_UP, SWT.ARROW_DOWN -> moveToRow(selectedRow + (event.keyCode == SWT.ARROW_DOWN ? 1 : -1));
            case SWT.HOME -> moveToRow(0);
            case SWT.END -> moveToRow(rows.size() - 1);
            case SWT.CR, SWT.KEYPAD_CR -> {
                if (selected != null) {
                    open.accept(selected);
                }
            }
            case '+', '=', SWT.KEYPAD_ADD -> zoom.accept(-1);
            case '-', SWT.KEYPAD_SUBTRACT -> zoom.accept(1);
            default -> {
                return;
            }
        }
        event.doit = false;
    }

    /** Selects the next or previous bar of the selected row; the first key selects the newest bar of the first row. */
    private void moveInRow(int direction) {
        if (selectedRow < 0) {
            moveToRow(0);
            return;
        }
        List<Bar> bars = timeline.rows().get(selectedRow).bars();
        int index = bars.indexOf(selected) + direction;
        if (selected == null && !bars.isEmpty()) {
            index = direction > 0 ? 0 : bars.size() - 1;
        }
        if (index >= 0 && index < bars.size()) {
            select(selectedRow, bars.get(index));
        }
    }

    /** Selects, in row {@code row}, the bar nearest in time to the one selected (else its newest bar). */
    private void moveToRow(int row) {
        List<Row> rows = timeline.rows();
        if (row < 0 || row >= rows.size()) {
            return;
        }
        List<Bar> bars = rows.get(row).bars();
        Instant at = selected == null ? timeline.to() : selected.start();
        Bar nearest = null;
        long best = Long.MAX_VALUE;
        for (Bar bar : bars) {
            long distance = Math.abs(Duration.between(bar.start(), at).toMillis());
            if (distance < best) {
                best = distance;
                nearest = bar;
            }
        }
        select(row, nearest);
    }

    private void select(int row, Bar bar) {
        selectedRow = row;
        selected = bar;
        int visible = Math.max(1, (canvas.getClientArea().height - AXIS_HEIGHT) / ROW_HEIGHT);
        if (row < topRow) {
            topRow = row;
        } else if (row >= topRow + visible) {
            topRow = row - visible + 1;
        }
        updateScrollBar();
        canvas.redraw();
    }
}
