package dev.kiln.desktop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.Widget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.views.BuildColumn;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.HookInfo;

/**
 * Opens the main window on the real display against an in-memory coordinator, drives it through its widgets (found by
 * the names set with {@link WidgetIds}) and checks what it shows. Needs a display: run under xvfb-run.
 */
class MainWindowTest {

    private static final URI COORDINATOR = URI.create("http://127.0.0.1:8746");

    private WindowDriver driver;
    private MainWindow window;

    @BeforeEach
    void openDisplay() {
        driver = new WindowDriver();
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void showsTheFarmAndActsOnSeveralBuilds(@TempDir Path config) throws Exception {
        FakeFarm farm = new FakeFarm();
        Instant now = Instant.now();
        List<BuildInfo> builds = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            BuildState state = BuildState.values()[i % BuildState.values().length];
            builds.add(farm.addBuild("pkg-" + i, i % 3 == 0 ? "aarch64-linux" : "x86_64-linux", state, i % 5,
                    Map.of("jobset", i % 2 == 0 ? "main" : "staging"), now.minusSeconds(3600 - i),
                    now.minusSeconds((i * 7L) % 3500)));
        }
        AgentInfo builder = farm.addAgent("builder-1", AgentStatus.ONLINE, List.of("x86_64-linux"), now);
        farm.addAgent("builder-2", AgentStatus.OFFLINE, List.of("aarch64-linux"), now.minusSeconds(600));
        farm.hold(builder.id(), builds.get(2).id());
        farm.addHook(new HookInfo("notify", "notify.jar", "1.0.0", List.of("build-failure"),
                Map.of("build-failure", 4), 2, "connection refused", now));
        open(farm, config);

        Label state = find(WidgetIds.CONNECTION_STATE, Label.class);
        await("connected", () -> state.getText().contains("Connected to " + COORDINATOR));
        Label scheduled = find("overview.count.scheduled", Label.class);
        await("the overview counts builds", () -> "429".equals(scheduled.getText()));
        assertTrue(find(WidgetIds.OVERVIEW_AGENTS, Label.class).getText().startsWith("1 online, 1 offline"));
        assertTrue(find(WidgetIds.OVERVIEW_HOOKS, Label.class).getText().contains("notify: 2 failures"));
        int[] series = (int[]) find(WidgetIds.OVERVIEW_CHART, Control.class).getData("series");
        assertEquals(60, series.length);
        assertTrue(java.util.Arrays.stream(series).sum() > 0, "the chart shows finished builds");
        screenshot("desktop-overview.png");

        window.showTab(2);
        Table agents = find(WidgetIds.AGENTS_TABLE, Table.class);
        await("the agents show what they run and their load", () -> agents.getItemCount() == 2
                && agents.getItem(0).getText(4).equals("1: pkg-2.drv") && agents.getItem(0).getText(6).equals("0.50"));
        screenshot("desktop-agents.png");

        window.showTab(1);
        Table table = find(WidgetIds.BUILDS_TABLE, Table.class);
        await("every build is listed", () -> table.getItemCount() == 3000);
        Text search = find(WidgetIds.BUILDS_TEXT_FILTER, Text.class);
        search.setText("pkg-29");
        await("the text filter applies", () -> table.getItemCount() == 111);
        search.setText("");
        find(WidgetIds.BUILDS_STATE_FILTER, org.eclipse.swt.widgets.Combo.class).select(1);
        find(WidgetIds.BUILDS_STATE_FILTER, org.eclipse.swt.widgets.Combo.class)
                .notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        await("the state filter applies", () -> table.getItemCount() == 429);

        table.setSelection(0);
        table.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        Label header = find(WidgetIds.DETAILS_HEADER, Label.class);
        await("the details show the selected build", () -> header.getText().startsWith("scheduled"));
        table.setSelection(new int[] {0, 1, 2});
        List<BuildInfo> selected = window.selectedBuilds();
        assertEquals(3, selected.size());
        selected.forEach(b -> assertEquals(BuildState.SCHEDULED, b.state()));
        screenshot("desktop-builds.png");

        driver.actions().cancel().run();
        await("three builds canceled", () -> selected.stream()
                .allMatch(b -> farm.get(b.id()).state() == BuildState.CANCELED));
        await("the list no longer shows them as scheduled", () -> table.getItemCount() == 426);
    }

    @Test
    void sortsOnTheCoordinatorAndReadsOnlyThePagesShownOfAHundredThousandBuilds(@TempDir Path config)
            throws Exception {
        FakeFarm farm = new FakeFarm();
        Instant start = Instant.now().minusSeconds(200_000);
        int count = 100_000;
        for (int i = 0; i < count; i++) {
            farm.addBuild("pkg-" + i, "x86_64-linux", i % 9 == 0 ? BuildState.FAILED : BuildState.SUCCEEDED, i % 5,
                    Map.of(), start.plusSeconds(i), start.plusSeconds(i + 1));
        }
        open(farm, config);
        window.showTab(1);
        Table table = find(WidgetIds.BUILDS_TABLE, Table.class);
        Label shown = find(WidgetIds.BUILDS_COUNT, Label.class);
        await("the table is sized by the coordinator's count", () -> table.getItemCount() == count
                && shown.getText().equals(String.format(Messages.BUILDS_COUNT, count, count)));
        await("the newest build first", () -> table.getItem(0).getText(1).equals("pkg-99999.drv"));

        WindowDriver.select(table.getColumn(BuildColumn.PRIORITY.ordinal()));
        await("sorted by priority, smallest first", () -> table.getItem(0).getText(3).equals("0")
                && table.getSortColumn() == table.getColumn(BuildColumn.PRIORITY.ordinal()));
        WindowDriver.select(table.getColumn(BuildColumn.PRIORITY.ordinal()));
        await("sorted by priority, greatest first", () -> table.getItem(0).getText(3).equals("4")
                && table.getSortDirection() == org.eclipse.swt.SWT.DOWN);
        int listingsBefore = farm.listings();
        table.setTopIndex(count - 5);
        await("the last rows, read from the end", () -> table.getItem(count - 1).getText(1).equals("pkg-0.drv"));
        assertTrue(farm.listings() - listingsBefore <= 10, "a few pages, not the 200 of the whole list: "
                + (farm.listings() - listingsBefore));
        screenshot("desktop-builds-100k.png");
    }

    @Test
    void followsTheLogOfARunningBuild(@TempDir Path config) throws Exception {
        FakeFarm farm = new FakeFarm();
        BuildInfo running = farm.addBuild("hello", "x86_64-linux", BuildState.STARTED, 0, Map.of(), Instant.now(), null);
        open(farm, config);
        window.showTab(1);
        Table table = find(WidgetIds.BUILDS_TABLE, Table.class);
        await("the build is listed", () -> table.getItemCount() == 1);
        table.setSelection(0);
        table.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        StyledText log = find(WidgetIds.DETAILS_LOG, StyledText.class);
        await("the log so far", () -> log.getText().contains("building hello"));
        farm.appendLog(running.id(), "compiling main.c\n");
        await("the log follows", () -> log.getText().contains("compiling main.c"));
        Table timeline = find(WidgetIds.DETAILS_TIMELINE, Table.class);
        await("the timeline", () -> timeline.getItemCount() >= 2);
        assertEquals("submitted", timeline.getItem(0).getText(1));
    }

    @Test
    void saysClearlyWhenTheCoordinatorIsDownOrRefusesTheToken(@TempDir Path config) throws Exception {
        FakeFarm down = new FakeFarm();
        down.setDown(true);
        open(down, config);
        Label state = find(WidgetIds.CONNECTION_STATE, Label.class);
        await("the coordinator is down", () -> state.getText().contains("is down (")
                && state.getText().contains("connection refused). Retrying at"));
        Label empty = find(WidgetIds.OVERVIEW_EMPTY, Label.class);
        assertTrue(empty.getText().contains("Loading") || empty.getText().isEmpty() || empty.getText().contains("Not"),
                empty.getText());
        screenshot("desktop-down.png");

        FakeFarm refusing = new FakeFarm(COORDINATOR, "secret", "wrong", null);
        window = driver.open((url, token) -> refusing, config, COORDINATOR, "wrong");
        Label refused = find(WidgetIds.CONNECTION_STATE, Label.class);
        await("the token is refused", () -> refused.getText().contains("refused the token"));
    }

    @Test
    void showsAnEmptyFarmAsSuchAndRemembersTheConnection(@TempDir Path config) throws Exception {
        open(new FakeFarm(), config);
        Label empty = find(WidgetIds.OVERVIEW_EMPTY, Label.class);
        await("the empty farm is explained", () -> empty.getText().contains("no builds yet"));
        List<String> lines = Files.readAllLines(config.resolve("connections.properties"));
        assertTrue(lines.contains("connection.0.url=http\\://127.0.0.1\\:8746"), lines.toString());
    }

    private void open(FakeFarm farm, Path config) {
        window = driver.open((url, token) -> farm, config, COORDINATOR, "");
    }

    private void await(String what, BooleanSupplier condition) {
        driver.await(what, condition);
    }

    private <W extends Widget> W find(String id, Class<W> type) {
        return driver.find(id, type);
    }

    private void screenshot(String name) throws Exception {
        driver.screenshot(name);
    }
}
