package dev.kiln.desktop.internal;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;

/** A bar chart of builds finished per minute, oldest minute on the left, drawn with GC. */
final class ThroughputChart {

    private static final int MARGIN = 28;
    private static final RGB BAR = new RGB(46, 160, 67);

    private final Canvas canvas;
    private int[] series = new int[0];

    ThroughputChart(Composite parent) {
        canvas = new Canvas(parent, SWT.DOUBLE_BUFFERED);
        canvas.addPaintListener(event -> paint(event.gc));
    }

    Canvas control() {
        return canvas;
    }

    /** Display thread. */
    void show(int[] perMinute) {
        series = perMinute.clone();
        canvas.setData("series", series.clone());
        canvas.redraw();
    }

    private void paint(GC gc) {
        Rectangle area = canvas.getClientArea();
        gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        gc.fillRectangle(area);
        int max = 1;
        for (int count : series) {
            max = Math.max(max, count);
        }
        int left = MARGIN + 8;
        int bottom = area.height - MARGIN;
        int width = area.width - left - 8;
        int height = bottom - 8;
        if (width <= 0 || height <= 0 || series.length == 0) {
            return;
        }
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_WIDGET_NORMAL_SHADOW));
        gc.drawLine(left, bottom, left + width, bottom);
        gc.drawLine(left, bottom, left, bottom - height);
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        String top = String.valueOf(max);
        Point extent = gc.textExtent(top);
        gc.drawText(top, left - extent.x - 4, bottom - height - extent.y / 2, true);
        gc.drawText("0", left - gc.textExtent("0").x - 4, bottom - extent.y / 2, true);
        gc.drawText("−60 min", left, bottom + 4, true);
        String now = "now";
        gc.drawText(now, left + width - gc.textExtent(now).x, bottom + 4, true);
        Color bar = new Color(BAR);
        gc.setBackground(bar);
        double slot = (double) width / series.length;
        for (int i = 0; i < series.length; i++) {
            int barHeight = (int) Math.round((double) series[i] * height / max);
            if (barHeight > 0) {
                int x = left + (int) Math.round(i * slot) + 1;
                gc.fillRectangle(x, bottom - barHeight, Math.max(1, (int) slot - 2), barHeight);
            }
        }
    }
}
