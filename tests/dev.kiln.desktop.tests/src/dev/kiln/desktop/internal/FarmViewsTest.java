package dev.kiln.desktop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.InputDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.desktop.model.ClientConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.views.AgentTimeline;
import dev.kiln.desktop.model.views.Builds;
import dev.kiln.desktop.model.views.GraphLayout;
import dev.kiln.desktop.model.views.WaitingLine;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.SubmitResult;
import dev.kiln.testing.RealNix;

/**
 * The farm views against a real coordinator and agents of the real agent product building a graph made by
 * {@code nix-instantiate}: the timeline shows the builds each agent ran, opens one by a click or the keyboard, and
 * keeps showing them, saying so, while the coordinator is down; the graph of a build blocked by a failed input
 * highlights that input, and retries it, cancels a subgraph and raises the inputs' priority; the build details say why
 * a build waits for a feature no agent has, for an input, and behind a build of higher priority.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmViewsTest {

    /** Generous: the agents are JVMs of their own, slow to start on a busy machine. */
    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(300);

    /**
     * The farm's graph: an app on a library; an input that fails and a build on it; a build that requires kvm; a
     * build on an input that takes minutes; a build no agent can take and one on it, to cancel. On the other system,
     * one agent slot that a long build holds, and three builds submitted in turn behind it: one the agent may take
     * ahead of time, then one of higher priority and one of lower, which waits behind it.
     */
    private static final String GRAPH = """
            let
              mk = name: system: script: extra: derivation ({ inherit name system; builder = "/bin/sh";
                args = [ "-c" script ]; } // extra);
              linux = "x86_64-linux";
              other = "aarch64-linux";
              lib = mk "timeline-lib" linux "/bin/echo lib > $out" {};
              app = mk "timeline-app" linux "/bin/cat ${lib} > $out" {};
              broken = mk "broken-input" linux "/bin/echo the input gives up; exit 3" {};
              blocked = mk "blocked-by-failure" linux "/bin/cat ${broken} > $out" {};
              vm = mk "needs-kvm" linux "/bin/echo vm > $out" { requiredSystemFeatures = [ "kvm" ]; };
              slow = mk "slow-input" linux "/bin/sleep 600; /bin/echo slow > $out" {};
              waiting = mk "waits-for-input" linux "/bin/cat ${slow} > $out" {};
              hog = mk "holds-the-slot" other "/bin/sleep 600; /bin/echo hog > $out" {};
              next = mk "next-in-line" other "/bin/echo next > $out" {};
              high = mk "high-priority" other "/bin/echo high > $out" {};
              low = mk "low-priority" other "/bin/echo low > $out" {};
              cancelRoot = mk "cancel-root" linux "/bin/echo vm > $out" { requiredSystemFeatures = [ "kvm" ]; };
              cancelDependent = mk "cancel-dependent" linux "/bin/cat ${cancelRoot} > $out" {};
            in [ app blocked vm waiting hog next high low cancelDependent ]
            """;

    /** The builds of the graph that end at once. */
    private static final List<String> QUICK = List.of("timeline-lib.drv", "timeline-app.drv", "broken-input.drv",
            "blocked-by-failure.drv");

    @TempDir
    static Path temporary;

    private static ConfiguredCoordinator farm;
    private static AgentProducts agents;
    private static ClientConnection client;
    private static final Map<String, UUID> BUILDS = new HashMap<>();
    private static final Map<String, UUID> AGENTS = new HashMap<>();

    @BeforeAll
    static void startFarm() throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temporary.resolve("nix")));
        nix.instantiate(nix.store("reference"), GRAPH);
        List<Path> drvs;
        try (var files = Files.list(nix.storeFiles("reference"))) {
            drvs = files.filter(file -> file.toString().endsWith(".drv")).sorted().toList();
        }
        List<Path> queued = new java.util.ArrayList<>();
        for (String name : List.of("next-in-line.drv", "high-priority.drv", "low-priority.drv")) {
            queued.add(drvs.stream().filter(file -> file.toString().endsWith(name)).findFirst().orElseThrow());
        }
        farm = new ConfiguredCoordinator(temporary.resolve("state"), Map.of());
        client = new ClientConnection(farm.clientApi(), "");
        agents = new AgentProducts(temporary.resolve("agents"), farm.agentApi());
        AGENTS.put("alpha", agents.start(client, "alpha", "x86_64-linux", 2, List.of()));
        AGENTS.put("beta", agents.start(client, "beta", "x86_64-linux", 1, List.of()));
        AGENTS.put("gamma", agents.start(client, "gamma", "aarch64-linux", 1, List.of()));
        // Every derivation of the graph gets a build, each named by its derivation: the quick ones first, so that
        // none of them is taken ahead of time by an agent whose slot a long build holds.
        List<Path> quick = drvs.stream().filter(file -> QUICK.stream().anyMatch(file.toString()::endsWith)).toList();
        List<Path> rest = drvs.stream().filter(file -> !queued.contains(file) && !quick.contains(file)).toList();
        submit(quick);
        awaitState("timeline-app", BuildState.SUCCEEDED);
        awaitState("broken-input", BuildState.FAILED);
        awaitState("blocked-by-failure", BuildState.DEPENDENCY_FAILED);
        submit(rest);
        awaitState("slow-input", BuildState.STARTED);
        awaitState("holds-the-slot", BuildState.STARTED);
        // Behind the long build on the only slot of its system, in turn: the next, which the agent takes ahead of
        // time (once it has, the other two stay queued), then one of priority 10 and one of 0.
        for (Path file : queued) {
            SubmitResult result = client.submit(List.of(file), file.toString().endsWith("high-priority.drv") ? 10 : 0,
                    Map.of("suite", "farm-views")).get(0);
            BUILDS.put(Builds.nameOf(result.derivation()).replace(".drv", ""), result.id());
            if (file.toString().endsWith("next-in-line.drv")) {
                awaitState("next-in-line", BuildState.ALLOCATED);
            }
        }
    }

    private static void submit(List<Path> files) throws FarmException {
        for (SubmitResult result : client.submit(files, 0, Map.of("suite", "farm-views"))) {
            BUILDS.put(Builds.nameOf(result.derivation()).replace(".drv", ""), result.id());
        }
    }

    @AfterAll
    static void stopFarm() throws Exception {
        if (agents != null) {
            agents.close();
        }
        if (client != null) {
            client.close();
        }
        if (farm != null) {
            farm.close();
        }
    }

    @Test
    @Order(1)
    void theTimelineShowsTheBuildsEachAgentRanAndOpensThem(@TempDir Path config) throws Exception {
        try (WindowDriver driver = new WindowDriver()) {
            MainWindow window = driver.open(ClientConnection::new, config, farm.clientApi(), "");
            Label state = driver.find(WidgetIds.CONNECTION_STATE, Label.class);
            driver.await("connected", () -> state.getText().contains("Connected to"));
            window.showTab(MainWindow.TAB_TIMELINE);
            TimelineChart chart = window.timeline().chart();
            List<String> ran = List.of("timeline-lib", "timeline-app", "broken-input", "slow-input", "holds-the-slot");
            driver.await("every build that ran is on its agent's rows, named", () -> ran.stream()
                    .allMatch(name -> agentRowOf(chart.timeline(), BUILDS.get(name)) != null)
                    && chart.timeline().rows().stream().map(AgentTimeline.Row::agentName).toList()
                            .containsAll(List.of("alpha", "beta", "gamma")));
            for (String name : ran) {
                BuildInfo build = client.build(BUILDS.get(name));
                assertEquals(build.agent(), agentRowOf(chart.timeline(), build.id()).agent(),
                        name + " is on the row of the agent the coordinator says ran it");
            }
            assertNull(bar(chart.timeline(), BUILDS.get("slow-input")).end(), "a running build runs up to now");
            assertEquals(BuildState.FAILED, bar(chart.timeline(), BUILDS.get("broken-input")).state());
            assertTrue(chart.control().isFocusControl(), "showing the tab gives the chart the keyboard");
            driver.screenshot("desktop-timeline.png");

            // Zoomed in to five minutes, a click on a bar opens its build.
            for (int i = 0; i < 3; i++) {
                key(chart.control(), '+');
            }
            assertEquals(Duration.ofMinutes(5), Duration.between(chart.timeline().from(), chart.timeline().to()));
            driver.screenshot("desktop-timeline-zoomed.png");
            UUID slow = BUILDS.get("slow-input");
            Rectangle bounds = chart.boundsOf(slow);
            assertNotNull(bounds, "the running build's bar is drawn");
            mouseDown(chart.control(), bounds.x + bounds.width / 2, bounds.y + bounds.height / 2);
            CTabFolder tabs = driver.find(WidgetIds.TABS, CTabFolder.class);
            Label header = driver.find(WidgetIds.DETAILS_HEADER, Label.class);
            assertEquals(MainWindow.TAB_BUILDS, tabs.getSelectionIndex());
            driver.await("the details show the build clicked", () -> header.getText().contains(slow.toString()));

            // The keyboard: Ctrl+7 shows the timeline, the arrows select a bar, Enter opens it.
            window.showTab(MainWindow.TAB_TIMELINE);
            key(chart.control(), SWT.ARROW_RIGHT);
            AgentTimeline.Bar selected = chart.selected();
            assertNotNull(selected, "an arrow key selects a bar");
            key(chart.control(), SWT.CR);
            assertEquals(MainWindow.TAB_BUILDS, tabs.getSelectionIndex());
            driver.await("Enter opens the selected build", () -> header.getText().contains(selected.build().toString()));
            window.showTab(MainWindow.TAB_TIMELINE);
            for (int i = 0; i < 4; i++) {
                key(chart.control(), '-');
            }
            assertEquals(Duration.ofHours(3), Duration.between(chart.timeline().from(), chart.timeline().to()));
            key(chart.control(), '+');

            // The coordinator goes down: the bars stay, the view says why; it comes back by itself.
            Label status = driver.find(WidgetIds.TIMELINE_STATUS, Label.class);
            int bars = chart.timeline().barCount();
            farm.stopHttp();
            try {
                driver.await("the timeline says the coordinator is unreachable",
                        () -> status.getText().startsWith("Coordinator unreachable since"));
                assertEquals(bars, chart.timeline().barCount(), "what was known is still shown");
                driver.screenshot("desktop-timeline-offline.png");
            } finally {
                farm.startHttp();
            }
            driver.await("the timeline is back by itself", () -> status.getText().startsWith("Last 1 h")
                    && state.getText().contains("Connected to"));
        }
    }

    @Test
    @Order(3)
    void theGraphOfABuildBlockedByAFailedInputHighlightsThatInputAndActsOnIt(@TempDir Path config) throws Exception {
        try (WindowDriver driver = new WindowDriver()) {
            MainWindow window = connectedWindow(driver, config);
            UUID blocked = BUILDS.get("blocked-by-failure");
            UUID broken = BUILDS.get("broken-input");
            window.showGraph(blocked);
            GraphCanvas canvas = window.graph().canvas();
            driver.await("the graph of the blocked build is shown", () -> canvas.layout().root() != null
                    && blocked.equals(canvas.layout().root().build()));
            GraphLayout layout = canvas.layout();
            GraphLayout.Node input = node(layout, broken);
            assertTrue(input.blocking(), "the failed input is on the blocking path");
            assertEquals(BuildState.FAILED, input.state());
            assertTrue(layout.root().blocking());
            assertTrue(layout.edges().stream().anyMatch(edge -> edge.blocking()
                    && layout.nodes().get(edge.input()).equals(input)), "the edge from it is highlighted");
            assertTrue(input.layer() < layout.root().layer(), "inputs on the left");
            assertTrue(canvas.control().isFocusControl(), "showing the graph gives it the keyboard");
            driver.screenshot("desktop-graph.png");

            // The keyboard: Left goes to the input, Enter opens its build.
            key(canvas.control(), SWT.ARROW_LEFT);
            assertEquals(broken, canvas.selectedNode().build());
            key(canvas.control(), SWT.CR);
            Label header = driver.find(WidgetIds.DETAILS_HEADER, Label.class);
            driver.await("Enter opens the input's build", () -> header.getText().contains(broken.toString()));

            // Retry with dependents, from the blocked build: the failed input runs again (and fails again).
            Instant failedAt = client.build(broken).finishedAt();
            window.showGraph(blocked);
            driver.await("the graph is back", () -> canvas.layout().root() != null);
            driver.actions().retryWithDependents().run();
            await("the failed input ran again", () -> {
                try {
                    BuildInfo again = client.build(broken);
                    return again.finishedAt() == null || again.finishedAt().isAfter(failedAt);
                } catch (FarmException e) {
                    return false;
                }
            });

            // Cancel a subgraph: a build no agent can take and the build on it.
            UUID cancelRoot = BUILDS.get("cancel-root");
            window.showGraph(cancelRoot);
            driver.await("the graph to cancel is shown", () -> canvas.layout().root() != null
                    && cancelRoot.equals(canvas.layout().root().build()));
            driver.confirmWhenAsked();
            driver.actions().cancelSubgraph().run();
            awaitState("cancel-root", BuildState.CANCELED);
            awaitState("cancel-dependent", BuildState.CANCELED);

            // Raise the priority of what a build waits for.
            UUID waiting = BUILDS.get("waits-for-input");
            window.showGraph(waiting);
            driver.await("the graph of the waiting build is shown", () -> canvas.layout().root() != null
                    && waiting.equals(canvas.layout().root().build()));
            driver.screenshot("desktop-graph-waiting.png");
            driver.whenOpen(InputDialog.class, dialog -> {
                WindowDriver.inputText(dialog).setText("50");
                WindowDriver.press(dialog, IDialogConstants.OK_LABEL.replace("&", ""));
            });
            driver.actions().raiseInputs().run();
            await("the slow input's priority is raised", () -> {
                try {
                    return client.build(BUILDS.get("slow-input")).priority() == 50;
                } catch (FarmException e) {
                    return false;
                }
            });
        }
    }

    @Test
    @Order(2)
    void theBuildDetailsSayWhyEachBuildWaits(@TempDir Path config) throws Exception {
        try (WindowDriver driver = new WindowDriver()) {
            MainWindow window = connectedWindow(driver, config);
            Table reasons = driver.find(WidgetIds.DETAILS_WAITING, Table.class);
            Map<String, List<String>> expected = Map.of(
                    "needs-kvm", List.of("No agent can build it", "kvm"),
                    "waits-for-input", List.of("Inputs not built yet", "slow-input"),
                    "low-priority", List.of("Every able agent is busy",
                            "before it: high-priority.drv, priority 10, higher priority"));
            for (Map.Entry<String, List<String>> build : expected.entrySet()) {
                window.openBuild(BUILDS.get(build.getKey()));
                try {
                    driver.await(build.getKey() + " says why it waits: " + build.getValue(),
                            () -> build.getValue().stream().allMatch(text -> tableText(reasons).contains(text)));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; the view shows:\n" + tableText(reasons)
                            + "the coordinator says: " + client.waiting(BUILDS.get(build.getKey())) + "; the build: "
                            + client.build(BUILDS.get(build.getKey())), e);
                }
                List<WaitingLine> answered = WaitingLine.of(client.waiting(BUILDS.get(build.getKey())));
                assertEquals(answered.stream().map(line -> line.reason() + " | " + line.detail() + " | \n")
                        .reduce("", String::concat), tableText(reasons), "the view shows what the coordinator says");
                showDetailsTab(reasons);
                driver.screenshot("desktop-waiting-" + build.getKey() + ".png");
            }
        }
    }

    private static AgentTimeline.Row agentRowOf(AgentTimeline timeline, UUID build) {
        return timeline.rows().stream().filter(row -> row.bars().stream().anyMatch(bar -> bar.build().equals(build)))
                .findFirst().orElse(null);
    }

    private static AgentTimeline.Bar bar(AgentTimeline timeline, UUID build) {
        return timeline.rows().stream().flatMap(row -> row.bars().stream()).filter(bar -> bar.build().equals(build))
                .findFirst().orElseThrow();
    }

    private static MainWindow connectedWindow(WindowDriver driver, Path config) {
        MainWindow window = driver.open(ClientConnection::new, config, farm.clientApi(), "");
        Label state = driver.find(WidgetIds.CONNECTION_STATE, Label.class);
        driver.await("connected", () -> state.getText().contains("Connected to"));
        return window;
    }

    private static GraphLayout.Node node(GraphLayout layout, UUID build) {
        return layout.nodes().stream().filter(node -> build.equals(node.build())).findFirst()
                .orElseThrow(() -> new AssertionError(build + " is in the graph: " + layout.nodes()));
    }

    private static String tableText(Table table) {
        StringBuilder text = new StringBuilder();
        for (TableItem item : table.getItems()) {
            for (int column = 0; column < table.getColumnCount(); column++) {
                text.append(item.getText(column)).append(" | ");
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Brings the details tab that holds {@code control} to the front, for the screenshot. */
    private static void showDetailsTab(Control control) {
        CTabFolder folder = (CTabFolder) control.getParent();
        for (CTabItem item : folder.getItems()) {
            if (item.getControl() == control) {
                folder.setSelection(item);
            }
        }
    }

    private static void mouseDown(Canvas canvas, int x, int y) {
        Event event = new Event();
        event.button = 1;
        event.x = x;
        event.y = y;
        canvas.notifyListeners(SWT.MouseDown, event);
    }

    private static void key(Canvas canvas, int keyCode) {
        Event event = new Event();
        event.keyCode = keyCode;
        event.character = keyCode < 0x10000 ? (char) keyCode : 0;
        canvas.notifyListeners(SWT.KeyDown, event);
    }

    private static void awaitState(String name, BuildState state) throws Exception {
        UUID id = BUILDS.get(name);
        assertNotNull(id, name + " was submitted");
        await(name + " is " + state, () -> {
            try {
                return client.build(id).state() == state;
            } catch (FarmException e) {
                return false;
            }
        });
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what + "\n" + agents.logs());
            }
            Thread.sleep(200);
        }
    }
}
