package dev.kiln.desktop.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;

import dev.kiln.desktop.model.views.FarmOverview;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.Recomputation;
import dev.kiln.desktop.model.views.Scheduler;
import dev.kiln.desktop.model.views.Texts;
import dev.kiln.protocol.BuildState;

/** The farm at a glance: builds by state, agents, the queue, throughput over the last hour, failing hooks. */
final class OverviewView {

    private static final int CLOCK_TICK_MILLIS = 30_000;

    private final Composite root;
    private final Label empty;
    private final Map<BuildState, Label> counts = new EnumMap<>(BuildState.class);
    private final Label agents;
    private final Label queue;
    private final Label hooks;
    private final ThroughputChart chart;
    private final Font big;
    private final UiUpdates updates;
    private final Recomputation recomputation;
    private volatile FarmSession session;
    private volatile FarmOverview overview;

    OverviewView(Composite parent, Images images, Scheduler scheduler) {
        root = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(16, 12).spacing(16, 12).numColumns(2).applyTo(root);
        FontData[] data = root.getFont().getFontData();
        for (FontData each : data) {
            each.setHeight(each.getHeight() + 6);
            each.setStyle(SWT.BOLD);
        }
        big = new Font(root.getDisplay(), data);
        root.addDisposeListener(e -> big.dispose());

        empty = WidgetIds.name(new Label(root, SWT.WRAP), WidgetIds.OVERVIEW_EMPTY);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(empty);

        Group builds = group(Messages.OVERVIEW_BUILDS, 2);
        WidgetIds.name(builds, WidgetIds.OVERVIEW_COUNTS);
        GridDataFactory.fillDefaults().span(1, 2).applyTo(builds);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(builds);
        for (BuildState state : BuildState.values()) {
            new Label(builds, SWT.NONE).setImage(images.of(state));
            new Label(builds, SWT.NONE).setText(state.toString());
            Label count = new Label(builds, SWT.RIGHT);
            count.setFont(big);
            count.setData(WidgetIds.KEY, "overview.count." + state.toString());
            GridDataFactory.fillDefaults().grab(true, false).hint(90, SWT.DEFAULT).applyTo(count);
            counts.put(state, count);
        }

        agents = value(group(Messages.OVERVIEW_AGENTS, 1), WidgetIds.OVERVIEW_AGENTS);
        queue = value(group(Messages.OVERVIEW_QUEUE, 1), WidgetIds.OVERVIEW_QUEUE);

        Group chartGroup = group(Messages.OVERVIEW_CHART, 1);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, true).applyTo(chartGroup);
        chart = new ThroughputChart(chartGroup);
        WidgetIds.name(chart.control(), WidgetIds.OVERVIEW_CHART);
        GridDataFactory.fillDefaults().grab(true, true).hint(SWT.DEFAULT, 180).applyTo(chart.control());

        Group hooksGroup = group(Messages.OVERVIEW_HOOKS, 1);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(hooksGroup);
        hooks = WidgetIds.name(new Label(hooksGroup, SWT.WRAP), WidgetIds.OVERVIEW_HOOKS);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(hooks);

        updates = new UiUpdates(root, this::show);
        recomputation = new Recomputation(scheduler, this::compute);
        root.getDisplay().timerExec(CLOCK_TICK_MILLIS, new Runnable() {
            @Override
            public void run() {
                if (!root.isDisposed()) {
                    recomputation.request();
                    root.getDisplay().timerExec(CLOCK_TICK_MILLIS, this);
                }
            }
        });
        show();
    }

    Control control() {
        return root;
    }

    /** Shows {@code newSession} from now on; display thread. */
    void setSession(FarmSession newSession) {
        session = newSession;
        newSession.supervisor().addListener(recomputation::request);
        newSession.builds().addListener(recomputation::request);
        newSession.agents().addListener(recomputation::request);
        newSession.hooks().addListener(recomputation::request);
        recomputation.request();
    }

    private void compute() {
        FarmSession current = session;
        if (current != null) {
            overview = FarmOverview.of(current.builds().counts(), current.builds().store().snapshot(),
                    current.agents().agents(), current.hooks().hooks(), java.time.Instant.now());
            updates.request();
        }
    }

    private void show() {
        FarmOverview current = overview;
        FarmSession shown = session;
        if (current == null || shown == null) {
            empty.setText(Messages.STATE_NOT_CONNECTED);
            return;
        }
        if (current.totalBuilds() == 0) {
            empty.setText(shown.builds().total() == 0 ? Messages.OVERVIEW_EMPTY : Messages.OVERVIEW_LOADING);
        } else {
            empty.setText("");
        }
        current.buildsByState().forEach((state, count) -> counts.get(state).setText(String.format("%,d", count)));
        agents.setText(String.format(Messages.OVERVIEW_AGENTS_LINE, current.agentsOnline(), current.agentsOffline(),
                current.agentsInactive()));
        queue.setText(String.format(Messages.OVERVIEW_QUEUE_LINE, current.queueLength()));
        hooks.setText(current.failingHooks().isEmpty() ? Messages.OVERVIEW_NO_FAILING_HOOKS
                : current.failingHooks().stream().map(hook -> String.format(Messages.OVERVIEW_HOOK_LINE, hook.name(),
                        hook.failures(), Texts.queued(hook), Objects.toString(hook.lastFailure(), ""))).collect(Collectors.joining("\n")));
        chart.show(current.finishedPerMinute());
        root.layout(true, true);
    }

    private Group group(String title, int columns) {
        Group group = new Group(root, SWT.NONE);
        group.setText(title);
        GridLayoutFactory.swtDefaults().numColumns(columns).applyTo(group);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(group);
        return group;
    }

    private Label value(Group group, String id) {
        Label label = WidgetIds.name(new Label(group, SWT.WRAP), id);
        label.setFont(big);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(label);
        return label;
    }
}
