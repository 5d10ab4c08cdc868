package dev.kiln.desktop.internal;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.window.ApplicationWindow;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;

import dev.kiln.desktop.model.views.ConnectionStatus;
import dev.kiln.desktop.model.views.DesktopSessions;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.GraphLayout;
import dev.kiln.desktop.model.views.JobsetRow;
import dev.kiln.desktop.model.views.SavedConnection;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.HookInfo;

/** The main window: the connection's state, the overview, builds, agents, plan, hooks and jobsets, and the menus. */
final class MainWindow extends ApplicationWindow implements MainActions.Context {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final String[] TAB_TITLES = {Messages.TAB_OVERVIEW, Messages.TAB_BUILDS, Messages.TAB_AGENTS,
        Messages.TAB_PLAN, Messages.TAB_HOOKS, Messages.TAB_JOBSETS, Messages.TAB_TIMELINE, Messages.TAB_GRAPH};
    static final int TAB_BUILDS = 1;
    static final int TAB_TIMELINE = 6;
    static final int TAB_GRAPH = 7;

    private final DesktopSessions sessions;
    private final Optional<SavedConnection> initial;
    private final MainActions actions;
    private Label connectionState;
    private CTabFolder tabs;
    private OverviewView overview;
    private BuildsView builds;
    private AgentsView agents;
    private PlanView plan;
    private HooksView hooks;
    private JobsetsView jobsets;
    private TimelineView timeline;
    private GraphView graph;
    private UiUpdates stateUpdates;

    /** @param initial the coordinator to connect to at once, if any */
    MainWindow(DesktopSessions sessions, Optional<SavedConnection> initial) {
        super(null);
        this.sessions = sessions;
        this.initial = initial;
        this.actions = new MainActions(this);
        addMenuBar();
        addStatusLine();
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(initial.map(c -> Messages.WINDOW_TITLE + " — " + c.coordinator()).orElse(Messages.WINDOW_TITLE));
    }

    @Override
    protected Point getInitialSize() {
        return new Point(1180, 780);
    }

    @Override
    protected MenuManager createMenuManager() {
        MenuManager menuBar = new MenuManager();
        MenuManager file = new MenuManager(Messages.MENU_FILE);
        file.add(actions.connect());
        file.add(actions.reconnect());
        file.add(new Separator());
        file.add(actions.submit());
        file.add(new Separator());
        file.add(new QuitAction());
        menuBar.add(file);
        MenuManager buildsMenu = new MenuManager(Messages.MENU_BUILDS);
        buildsMenu.add(actions.find());
        buildsMenu.add(new Separator());
        buildsMenu.add(actions.cancel());
        buildsMenu.add(actions.retry());
        buildsMenu.add(actions.priority());
        buildsMenu.add(actions.tag());
        buildsMenu.add(new Separator());
        buildsMenu.add(actions.showGraph());
        buildsMenu.add(actions.retryWithDependents());
        buildsMenu.add(actions.cancelSubgraph());
        buildsMenu.add(actions.raiseInputs());
        menuBar.add(buildsMenu);
        MenuManager agentsMenu = new MenuManager(Messages.MENU_AGENTS);
        agentsMenu.add(actions.newAgent());
        agentsMenu.add(actions.newPassword());
        agentsMenu.add(actions.activate());
        agentsMenu.add(actions.deactivate());
        agentsMenu.add(new Separator());
        agentsMenu.add(actions.installHook());
        agentsMenu.add(actions.removeHook());
        menuBar.add(agentsMenu);
        MenuManager jobsetsMenu = new MenuManager(Messages.MENU_JOBSETS);
        JobsetActions jobsetActions = actions.jobsets();
        jobsetsMenu.add(jobsetActions.add());
        jobsetsMenu.add(jobsetActions.change());
        jobsetsMenu.add(jobsetActions.enable());
        jobsetsMenu.add(jobsetActions.disable());
        jobsetsMenu.add(jobsetActions.evaluate());
        jobsetsMenu.add(jobsetActions.remove());
        jobsetsMenu.add(new Separator());
        jobsetsMenu.add(jobsetActions.cancelEvaluation());
        menuBar.add(jobsetsMenu);
        MenuManager view = new MenuManager(Messages.MENU_VIEW);
        for (int i = 0; i < TAB_TITLES.length; i++) {
            int index = i;
            Action show = new Action("&" + (i + 1) + " " + TAB_TITLES[i]) {
                @Override
                public void run() {
                    showTab(index);
                }
            };
            show.setAccelerator(SWT.MOD1 | ('1' + i));
            view.add(show);
        }
        view.add(new Separator());
        view.add(actions.zoomIn());
        view.add(actions.zoomOut());
        menuBar.add(view);
        return menuBar;
    }

    @Override
    protected Control createContents(Composite parent) {
        Composite content = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().spacing(0, 0).applyTo(content);
        connectionState = WidgetIds.name(new Label(content, SWT.WRAP), WidgetIds.CONNECTION_STATE);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(connectionState);
        tabs = WidgetIds.name(new CTabFolder(content, SWT.TOP | SWT.FLAT), WidgetIds.TABS);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(tabs);

        Images images = new Images(content.getDisplay());
        overview = new OverviewView(tabs, images, sessions.scheduler());
        builds = new BuildsView(tabs, images, sessions.scheduler());
        agents = new AgentsView(tabs, images, actions);
        plan = new PlanView(tabs);
        hooks = new HooksView(tabs, actions);
        jobsets = new JobsetsView(tabs, images, actions);
        timeline = new TimelineView(tabs, actions.zoomIn(), actions.zoomOut(), this::openBuild);
        graph = new GraphView(tabs, List.of(actions.retryWithDependents(), actions.cancelSubgraph(),
                actions.raiseInputs(), actions.openGraphBuild()), this::openBuild);
        List<Control> views = List.of(overview.control(), builds.control(), agents.control(), plan.control(),
                hooks.control(), jobsets.control(), timeline.control(), graph.control());
        for (int i = 0; i < views.size(); i++) {
            CTabItem item = new CTabItem(tabs, SWT.NONE);
            item.setText(TAB_TITLES[i]);
            item.setControl(views.get(i));
        }
        tabs.setSelection(0);

        stateUpdates = new UiUpdates(content, this::showConnectionState);
        sessions.addListener(session -> UiUpdates.run(content, () -> showSession(session)));
        showConnectionState();
        return content;
    }

    @Override
    public int open() {
        create();
        FarmSession active = sessions.active();
        if (active != null) {
            showSession(active);
        } else {
            initial.or(() -> sessions.saved().stream().findFirst()).ifPresent(sessions::connect);
        }
        return super.open();
    }

    private void showSession(FarmSession session) {
        if (session != sessions.active() || tabs.isDisposed()) {
            return;
        }
        getShell().setText(Messages.WINDOW_TITLE + " — " + session.coordinator());
        overview.setSession(session);
        builds.setSession(session);
        agents.setSession(session);
        plan.setSession(session);
        hooks.setSession(session);
        jobsets.setSession(session);
        timeline.setSession(session);
        graph.setSession(session);
        session.supervisor().addListener(stateUpdates::request);
        stateUpdates.request();
    }

    private void showConnectionState() {
        FarmSession session = sessions.active();
        if (session == null) {
            banner(Messages.STATE_NOT_CONNECTED, new RGB(255, 248, 197));
            return;
        }
        ConnectionStatus status = session.supervisor().status();
        String url = session.coordinator().toString();
        switch (status.state()) {
            case CONNECTING -> banner(String.format(Messages.STATE_CONNECTING, url), new RGB(230, 230, 230));
            case CONNECTED -> banner(String.format(Messages.STATE_CONNECTED, url), new RGB(218, 251, 225));
            case COORDINATOR_DOWN -> banner(String.format(Messages.STATE_DOWN, url, status.detail(),
                    status.nextRetry() == null ? "" : CLOCK.format(status.nextRetry())), new RGB(255, 220, 215));
            case WRONG_TOKEN -> banner(String.format(Messages.STATE_WRONG_TOKEN, url, status.detail()),
                    new RGB(255, 235, 200));
            case CLOSED -> banner(String.format(Messages.STATE_CLOSED, url), new RGB(230, 230, 230));
        }
    }

    private void banner(String text, RGB background) {
        connectionState.setText("  " + text);
        connectionState.setBackground(new Color(background));
        connectionState.setForeground(connectionState.getDisplay().getSystemColor(SWT.COLOR_BLACK));
        connectionState.getParent().layout(true);
    }

    // ---- MainActions.Context

    @Override
    public Shell shell() {
        return getShell();
    }

    @Override
    public DesktopSessions sessions() {
        return sessions;
    }

    @Override
    public List<BuildInfo> selectedBuilds() {
        return builds.selection();
    }

    @Override
    public List<AgentInfo> selectedAgents() {
        return agents.selectedAgents();
    }

    @Override
    public HookInfo selectedHook() {
        return hooks.selected();
    }

    @Override
    public JobsetRow selectedJobset() {
        return jobsets.selected();
    }

    @Override
    public EvaluationInfo selectedEvaluation() {
        return jobsets.selectedEvaluation();
    }

    @Override
    public void status(String message) {
        setStatus(message);
    }

    @Override
    public void focusSearch() {
        builds.focusSearch();
    }

    @Override
    public void showTab(int index) {
        tabs.setSelection(index);
        if (index == TAB_TIMELINE) {
            timeline.focus();
        } else if (index == TAB_GRAPH) {
            graph.focus();
        }
    }

    @Override
    public void openBuild(UUID build) {
        showTab(TAB_BUILDS);
        builds.open(build);
    }

    @Override
    public void zoomTimeline(int direction) {
        showTab(TAB_TIMELINE);
        timeline.zoom(direction);
    }

    @Override
    public UUID focusedBuild() {
        int tab = tabs.getSelectionIndex();
        GraphLayout.Node node = graph.canvas().selectedNode();
        if (tab == TAB_GRAPH && node != null && node.build() != null) {
            return node.build();
        }
        if (tab == TAB_TIMELINE && timeline.chart().selected() != null) {
            return timeline.chart().selected().build();
        }
        List<BuildInfo> selected = builds.selection();
        return selected.isEmpty() ? null : selected.get(0).id();
    }

    @Override
    public void showGraph(UUID build) {
        showTab(TAB_GRAPH);
        graph.showGraphOf(build);
    }

    @Override
    public GraphLayout graphLayout() {
        return graph.shownBuild() == null ? null : graph.canvas().layout();
    }

    @Override
    public GraphLayout.Node selectedGraphNode() {
        return graph.canvas().selectedNode();
    }

    GraphView graph() {
        return graph;
    }

    TimelineView timeline() {
        return timeline;
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
