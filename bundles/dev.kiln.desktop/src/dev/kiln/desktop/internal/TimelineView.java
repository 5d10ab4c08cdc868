package dev.kiln.desktop.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.eclipse.jface.action.IAction;
import org.eclipse.swt.widgets.Composite;

import dev.kiln.desktop.model.views.AgentTimeline;
import dev.kiln.desktop.model.views.DurationText;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.TopicModel;

/**
 * The agent timeline tab: what each agent slot ran over the last hour (zoomable), moving with the clock, from the
 * builds and agents the session keeps current; a click on a bar opens the build. While the coordinator is down it
 * keeps showing what it knew and says so.
 */
final class TimelineView extends SessionView {

    /** How often the chart moves with the clock. */
    private static final int TICK_MILLIS = 1000;

    private final TimelineChart chart;
    private final OfflineNote offline;
    private Duration span = AgentTimeline.DEFAULT_SPAN;

    TimelineView(Composite parent, IAction zoomIn, IAction zoomOut, Consumer<UUID> openBuild) {
        super(parent, zoomIn, zoomOut);
        WidgetIds.name(empty, WidgetIds.TIMELINE_STATUS);
        chart = new TimelineChart(root, bar -> openBuild.accept(bar.build()), this::zoom);
        fill(chart.control());
        offline = new OfflineNote(root, this::show);
        root.getDisplay().timerExec(TICK_MILLIS, new Runnable() {
            @Override
            public void run() {
                if (!root.isDisposed()) {
                    if (root.isVisible()) {
                        show();
                    }
                    root.getDisplay().timerExec(TICK_MILLIS, this);
                }
            }
        });
    }

    TimelineChart chart() {
        return chart;
    }

    /** Zooms out ({@code +1}) or in ({@code -1}). */
    void zoom(int direction) {
        span = AgentTimeline.zoom(span, direction);
        show();
    }

    void focus() {
        chart.control().setFocus();
    }

    @Override
    void setSession(FarmSession newSession) {
        offline.follow(newSession.supervisor());
        super.setSession(newSession);
    }

    @Override
    List<TopicModel> shown(FarmSession session) {
        return List.of(session.builds(), session.agents());
    }

    @Override
    void show() {
        FarmSession current = session();
        if (current == null) {
            return;
        }
        AgentTimeline timeline = AgentTimeline.of(current.builds().store().snapshot(), current.agents().agents(),
                Instant.now(), span);
        chart.show(timeline);
        String line = String.format(Messages.TIMELINE_STATUS, DurationText.span(span), timeline.barCount());
        empty.setText(offline.prefix() + line);
    }
}
