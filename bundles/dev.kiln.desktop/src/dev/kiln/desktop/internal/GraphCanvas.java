package dev.kiln.desktop.internal;

import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.ScrollBar;

import dev.kiln.desktop.model.views.GraphLayout;
import dev.kiln.desktop.model.views.GraphLayout.Edge;
import dev.kiln.desktop.model.views.GraphLayout.Node;

/**
 * A build graph drawn with SWT's GC, as the {@link GraphLayout} placed it: a column per layer, inputs on the left, each
 * derivation a box in its build's state colour, the path that holds the build up in thick red. Only what is in sight is
 * drawn, so that a graph of thousands of derivations scrolls smoothly.
 *
 * <p>Keyboard: the arrows move between derivations (Up and Down in a column, Left to an input, Right to a dependent),
 * Enter opens the selected derivation's build. A click selects, a double click opens. Display thread.
 */
final class GraphCanvas {

    static final int NODE_WIDTH = 190;
    static final int NODE_HEIGHT = 26;
    static final int COLUMN_GAP = 60;
    static final int ROW_GAP = 12;
    static final int MARGIN = 16;
    private static final RGB BLOCKING = new RGB(207, 34, 46);
    private static final RGB NO_BUILD = new RGB(200, 200, 200);

    private final Canvas canvas;
    private final Consumer<Node> open;
    private GraphLayout layout = new GraphLayout(List.of(), List.of(), 0, 0, 0);
    private int selected = -1;
    private int scrollX;
    private int scrollY;

    /** @param open told the derivation to open, on a double click or Enter */
    GraphCanvas(Composite parent, Consumer<Node> open) {
        this.open = open;
        canvas = WidgetIds.name(new Canvas(parent, SWT.DOUBLE_BUFFERED | SWT.H_SCROLL | SWT.V_SCROLL | SWT.BORDER),
                WidgetIds.GRAPH_CANVAS);
        canvas.addPaintListener(event -> paint(event.gc));
        canvas.addListener(SWT.Resize, event -> updateScrollBars());
        canvas.addListener(SWT.MouseDown, this::clicked);
        canvas.addListener(SWT.MouseDoubleClick, event -> {
            Node node = selectedNode();
            if (node != null) {
                open.accept(node);
            }
        });
        canvas.addListener(SWT.KeyDown, this::keyPressed);
        canvas.addListener(SWT.Traverse, event -> {
            if (event.detail == SWT.TRAVERSE_RETURN) {
                event.doit = false;
            }
        });
        canvas.addListener(SWT.FocusIn, event -> canvas.redraw());
        canvas.addListener(SWT.FocusOut, event -> canvas.redraw());
        canvas.addListener(SWT.MouseMove, this::hovered);
        canvas.getHorizontalBar().addListener(SWT.Selection, event -> {
            scrollX = canvas.getHorizontalBar().getSelection();
            canvas.redraw();
        });
        canvas.getVerticalBar().addListener(SWT.Selection, event -> {
            scrollY = canvas.getVerticalBar().getSelection();
            canvas.redraw();
        });
    }

    Canvas control() {
        return canvas;
    }

    GraphLayout layout() {
        return layout;
    }

    /** The selected derivation, or {@code null}. */
    Node selectedNode() {
        return selected >= 0 && selected < layout.nodes().size() ? layout.nodes().get(selected) : null;
    }

    /** Shows a new layout, keeping the same derivation selected, else the build the graph is about. */
    void show(GraphLayout shown) {
        Node before = selectedNode();
        boolean sameGraph = before != null && shown.nodes().stream()
                .anyMatch(node -> node.derivation().equals(before.derivation()));
        layout = shown;
        int index = -1;
        for (int i = 0; i < shown.nodes().size(); i++) {
            Node node = shown.nodes().get(i);
            if (sameGraph ? node.derivation().equals(before.derivation()) : node.root()) {
                index = i;
            }
        }
        updateScrollBars();
        select(index, !sameGraph);
    }

    /** Where a derivation's box is drawn in the canvas. */
    Rectangle boundsOf(Node node) {
        return new Rectangle(MARGIN + node.layer() * (NODE_WIDTH + COLUMN_GAP) - scrollX,
                MARGIN + node.row() * (NODE_HEIGHT + ROW_GAP) - scrollY, NODE_WIDTH, NODE_HEIGHT);
    }

    private Point size() {
        return new Point(2 * MARGIN + Math.max(0, layout.layers() * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP),
                2 * MARGIN + Math.max(0, layout.height() * (NODE_HEIGHT + ROW_GAP) - ROW_GAP));
    }

    private void updateScrollBars() {
        Rectangle area = canvas.getClientArea();
        Point size = size();
        scrollX = scroll(canvas.getHorizontalBar(), scrollX, size.x, area.width);
        scrollY = scroll(canvas.getVerticalBar(), scrollY, size.y, area.height);
        canvas.redraw();
    }

    private static int scroll(ScrollBar bar, int offset, int content, int visible) {
        int clamped = Math.max(0, Math.min(offset, content - visible));
        bar.setValues(clamped, 0, Math.max(content, 1), Math.max(1, Math.min(visible, content)), 20,
                Math.max(1, visible - 20));
        bar.setVisible(content > visible);
        return clamped;
    }

    private void paint(GC gc) {
        Rectangle area = canvas.getClientArea();
        gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        gc.fillRectangle(area);
        gc.setAntialias(SWT.ON);
        List<Node> nodes = layout.nodes();
        Color plain = canvas.getDisplay().getSystemColor(SWT.COLOR_WIDGET_NORMAL_SHADOW);
        Color blocking = new Color(BLOCKING);
        // Plain edges first, so that the blocking path is drawn over them.
        for (boolean onPath : new boolean[] {false, true}) {
            gc.setForeground(onPath ? blocking : plain);
            gc.setLineWidth(onPath ? 3 : 1);
            for (Edge edge : layout.edges()) {
                if (edge.blocking() != onPath) {
                    continue;
                }
                Rectangle from = boundsOf(nodes.get(edge.input()));
                Rectangle to = boundsOf(nodes.get(edge.dependent()));
                int x1 = from.x + from.width;
                int y1 = from.y + from.height / 2;
                int x2 = to.x;
                int y2 = to.y + to.height / 2;
                if (Math.max(x1, x2) >= 0 && Math.min(x1, x2) <= area.width && Math.max(y1, y2) >= 0
                        && Math.min(y1, y2) <= area.height) {
                    gc.drawLine(x1, y1, x2, y2);
                }
            }
        }
        gc.setLineWidth(1);
        for (int i = 0; i < nodes.size(); i++) {
            Rectangle box = boundsOf(nodes.get(i));
            if (box.intersects(area)) {
                paintNode(gc, nodes.get(i), box, i == selected, blocking);
            }
        }
    }

    private void paintNode(GC gc, Node node, Rectangle box, boolean isSelected, Color blocking) {
        RGB fill = node.state() == null ? NO_BUILD : Images.color(node.state());
        gc.setBackground(new Color(fill));
        gc.fillRoundRectangle(box.x, box.y, box.width, box.height, 8, 8);
        if (node.blocking() || node.root() || isSelected) {
            gc.setForeground(node.blocking() ? blocking : canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
            gc.setLineWidth(node.blocking() ? 3 : 2);
            gc.drawRoundRectangle(box.x, box.y, box.width, box.height, 8, 8);
        }
        if (isSelected) {
            gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
            gc.setLineWidth(canvas.isFocusControl() ? 2 : 1);
            gc.setLineStyle(SWT.LINE_DOT);
            gc.drawRoundRectangle(box.x - 4, box.y - 4, box.width + 8, box.height + 8, 10, 10);
            gc.setLineStyle(SWT.LINE_SOLID);
        }
        gc.setLineWidth(1);
        String label = node.builtInputs() > 0 ? node.name() + "  +" + node.builtInputs() : node.name();
        gc.setForeground(canvas.getDisplay().getSystemColor(node.state() == null ? SWT.COLOR_BLACK : SWT.COLOR_WHITE));
        gc.setClipping(box.x + 4, box.y, box.width - 8, box.height);
        gc.drawText(label, box.x + 6, box.y + (box.height - gc.getFontMetrics().getHeight()) / 2, true);
        gc.setClipping((Rectangle) null);
    }

    private int nodeAt(int x, int y) {
        List<Node> nodes = layout.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (boundsOf(nodes.get(i)).contains(x, y)) {
                return i;
            }
        }
        return -1;
    }

    private void clicked(Event event) {
        canvas.setFocus();
        int index = nodeAt(event.x, event.y);
        if (index >= 0) {
            select(index, false);
        }
    }

    private void hovered(Event event) {
        int index = nodeAt(event.x, event.y);
        String tip = index < 0 ? null : tip(layout.nodes().get(index));
        if (!java.util.Objects.equals(tip, canvas.getToolTipText())) {
            canvas.setToolTipText(tip);
        }
    }

    static String tip(Node node) {
        return String.format(Messages.GRAPH_TIP, node.derivation(), node.state() == null ? Messages.GRAPH_NO_BUILD
                : node.state().toString(), node.builtInputs()) + (node.blocking() ? "\n" + Messages.GRAPH_BLOCKING : "");
    }

    private void keyPressed(Event event) {
        Node current = selectedNode();
        switch (event.keyCode) {
            case SWT.ARROW_UP, SWT.ARROW_DOWN -> {
                if (current != null) {
                    moveTo(current.layer(), current.row() + (event.keyCode == SWT.ARROW_DOWN ? 1 : -1));
                }
            }
            case SWT.ARROW_LEFT, SWT.ARROW_RIGHT -> {
                if (current != null) {
                    moveTo(current.layer() + (event.keyCode == SWT.ARROW_RIGHT ? 1 : -1), current.row());
                }
            }
            case SWT.CR, SWT.KEYPAD_CR -> {
                if (current != null) {
                    open.accept(current);
                }
            }
            default -> {
                return;
            }
        }
        if (current == null && !layout.nodes().isEmpty()) {
            select(0, true);
        }
        event.doit = false;
    }

    /** Selects the derivation in column {@code layer} nearest to row {@code row}. */
    private void moveTo(int layer, int row) {
        int best = -1;
        int distance = Integer.MAX_VALUE;
        List<Node> nodes = layout.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (node.layer() == layer && Math.abs(node.row() - row) < distance) {
                distance = Math.abs(node.row() - row);
                best = i;
            }
        }
        if (best >= 0) {
            select(best, true);
        }
    }

    private void select(int index, boolean reveal) {
        selected = index;
        Node node = selectedNode();
        if (node != null && reveal) {
            Rectangle box = boundsOf(node);
            Rectangle area = canvas.getClientArea();
            if (!area.contains(box.x, box.y) || !area.contains(box.x + box.width, box.y + box.height)) {
                scrollX += box.x - (area.width - box.width) / 2;
                scrollY += box.y - (area.height - box.height) / 2;
                updateScrollBars();
            }
        }
        canvas.redraw();
    }
}
