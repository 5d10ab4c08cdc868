package dev.kiln.desktop.internal;

import org.eclipse.jface.resource.ImageRegistry;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Display;

import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.EvaluationStatus;

/** The client's only images: coloured dots for build states and agent statuses, drawn once per display. */
final class Images {

    private static final int SIZE = 12;

    private final ImageRegistry registry;

    Images(Display display) {
        registry = new ImageRegistry(display);
        for (BuildState state : BuildState.values()) {
            registry.put(state.toString(), dot(display, color(state)));
        }
        registry.put(AgentStatus.ONLINE + "-agent", dot(display, new RGB(46, 160, 67)));
        registry.put(AgentStatus.OFFLINE + "-agent", dot(display, new RGB(207, 34, 46)));
        registry.put(AgentStatus.INACTIVE + "-agent", dot(display, new RGB(140, 140, 140)));
    }

    Image of(BuildState state) {
        return registry.get(state.toString());
    }

    Image of(AgentStatus status) {
        return registry.get(status + "-agent");
    }

    /** An evaluation's status, drawn as the build state it resembles. */
    Image of(EvaluationStatus status) {
        return of(switch (status) {
            case RUNNING -> BuildState.STARTED;
            case SUCCEEDED -> BuildState.SUCCEEDED;
            case FAILED -> BuildState.FAILED;
        });
    }

    /** The colour of a state, also used by the overview. */
    static RGB color(BuildState state) {
        return switch (state) {
            case SCHEDULED -> new RGB(130, 130, 130);
            case ALLOCATED -> new RGB(84, 174, 255);
            case STARTED -> new RGB(9, 105, 218);
            case SUCCEEDED -> new RGB(46, 160, 67);
            case FAILED -> new RGB(207, 34, 46);
            case CANCELED -> new RGB(191, 135, 0);
            case DEPENDENCY_FAILED -> new RGB(219, 109, 40);
        };
    }

    private static Image dot(Display display, RGB rgb) {
        Image canvas = new Image(display, SIZE, SIZE);
        GC gc = new GC(canvas);
        try {
            org.eclipse.swt.graphics.Color color = new org.eclipse.swt.graphics.Color(rgb);
            gc.setAntialias(SWT.ON);
            gc.setBackground(color);
            gc.fillOval(1, 1, SIZE - 2, SIZE - 2);
        } finally {
            gc.dispose();
        }
        ImageData data = canvas.getImageData();
        canvas.dispose();
        // A transparent background: the pixel at the corner is the canvas' colour.
        data.transparentPixel = data.getPixel(0, 0);
        return new Image(display, data);
    }
}
