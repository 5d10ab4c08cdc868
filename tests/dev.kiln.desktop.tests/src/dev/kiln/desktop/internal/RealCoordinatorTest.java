package dev.kiln.desktop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.InputDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.client.KilnAgentClient;
import dev.kiln.desktop.model.ClientConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.SubmitOutcome;
import dev.kiln.protocol.SubmitResult;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationHasher;
import dev.kiln.store.derivation.DerivationOutput;

/**
 * The desktop client against a real coordinator (Derby, Jetty) configured in the test framework through Configuration
 * Admin: builds submitted from .drv files show in the window, and cancel from the window reaches the coordinator;
 * a jobset on a git repository made by the test is added, evaluated, disabled and removed from the window.
 */
class RealCoordinatorTest {

    /** The derivations written so far, which later ones may take as inputs. */
    private static final Map<StorePath, Derivation> WRITTEN = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    static Path temporary;

    private static ConfiguredCoordinator farm;
    private static URI coordinator;
    private static URI agentApi;

    @BeforeAll
    static void startCoordinator() throws IOException {
        farm = new ConfiguredCoordinator(temporary.resolve("state"),
                Map.of("dev.kiln.ci", Map.of("evaluation.timeout.seconds", 60L)));
        coordinator = farm.clientApi();
        agentApi = farm.agentApi();
    }

    @AfterAll
    static void stopCoordinator() throws IOException {
        farm.close();
    }

    @Test
    void showsSubmittedBuildsAndCancelsFromTheWindow(@TempDir Path config) throws Exception {
        Path drvs = Files.createDirectories(temporary.resolve("drvs"));
        Derivation base = derivation("ui-base", Map.of());
        write(drvs, base);
        Path app = write(drvs, derivation("ui-app", Map.of(base.drvPath(), new TreeSet<>(List.of("out")))));
        Path tool = write(drvs, derivation("ui-tool", Map.of()));
        List<SubmitResult> outcomes;
        try (ClientConnection connection = new ClientConnection(coordinator, "")) {
            outcomes = connection.submit(List.of(app, tool), 5, Map.of("jobset", "desktop"));
        }
        assertEquals(List.of(SubmitOutcome.CREATED, SubmitOutcome.CREATED),
                outcomes.stream().map(SubmitResult::outcome).toList());

        try (WindowDriver driver = new WindowDriver()) {
            MainWindow window = driver.open(ClientConnection::new, config, coordinator, "");
            Label state = driver.find(WidgetIds.CONNECTION_STATE, Label.class);
            driver.await("connected", () -> state.getText().contains("Connected to " + coordinator));
            window.showTab(1);
            Table table = driver.find(WidgetIds.BUILDS_TABLE, Table.class);
            driver.await("both builds listed", () -> rowShowing(table, "ui-tool.drv") >= 0
                    && rowShowing(table, "ui-app.drv") >= 0);
            int toolRow = rowShowing(table, "ui-tool.drv");
            assertTrue(textOfRow(table, toolRow).contains("scheduled"), textOfRow(table, toolRow));
            table.setSelection(toolRow);
            WindowDriver.select(table);
            driver.screenshot("desktop-real-builds.png");

            driver.actions().cancel().run();
            UUID canceled = outcomes.get(1).id();
            ClientConnection client = new ClientConnection(coordinator, "");
            driver.await("the coordinator canceled the build", () -> "canceled".equals(stateOf(client, canceled)));
            driver.await("the window shows it canceled, told by the event stream",
                    () -> textOfRowShowing(table, "ui-tool.drv").contains("canceled"));
            assertEquals("scheduled", stateOf(client, outcomes.get(0).id()));
            driver.screenshot("desktop-real-canceled.png");

            int appRow = rowShowing(table, "ui-app.drv");
            table.setSelection(appRow);
            WindowDriver.select(table);
            driver.whenOpen(InputDialog.class, dialog -> {
                WindowDriver.inputText(dialog).setText("release=24.11 -jobset");
                WindowDriver.press(dialog, IDialogConstants.OK_LABEL.replace("&", ""));
            });
            driver.actions().tag().run();
            UUID appBuild = outcomes.get(0).id();
            driver.await("the coordinator tagged the build", () -> tagsOf(client, appBuild).equals(Map.of("release",
                    "24.11")));
            driver.await("the window shows the new tags", () -> textOfRowShowing(table, "ui-app.drv")
                    .contains("release=24.11") && !textOfRowShowing(table, "ui-app.drv").contains("jobset"));
            client.close();
        }
    }

    @Test
    void addsEvaluatesDisablesAndRemovesAJobsetFromTheWindow(@TempDir Path config) throws Exception {
        Path repository = gitRepository(temporary.resolve("ui-repository"));
        // What the evaluation command prints is a derivation whose file is in a store root of the test's.
        Path storeRoot = Files.createDirectories(temporary.resolve("jobset-store"));
        Derivation job = derivation("ui-job", Map.of());
        write(storeRoot, job);
        try (WindowDriver driver = new WindowDriver()) {
            MainWindow window = driver.open(ClientConnection::new, config, coordinator, "");
            Label state = driver.find(WidgetIds.CONNECTION_STATE, Label.class);
            driver.await("connected", () -> state.getText().contains("Connected to " + coordinator));
            window.showTab(5);
            Table jobsets = driver.find(WidgetIds.JOBSETS_TABLE, Table.class);
            Label empty = driver.find(WidgetIds.JOBSETS_EMPTY, Label.class);
            driver.await("an empty list says how to add one", () -> empty.getText().startsWith("No jobsets yet"));

            driver.whenOpen(JobsetDialog.class, dialog -> {
                driver.find(WidgetIds.JOBSET_NAME, Text.class).setText("desktop-ci");
                driver.find(WidgetIds.JOBSET_CHANNELS, Text.class).setText("src=" + repository + " main");
                driver.find(WidgetIds.JOBSET_COMMAND, Text.class).setText("echo evaluated from the desktop; echo "
                        + job.drvPath());
                driver.find(WidgetIds.JOBSET_STORE_ROOT, Text.class).setText(storeRoot.toString());
                driver.find(WidgetIds.JOBSET_PRIORITY, Text.class).setText("3");
                driver.find(WidgetIds.JOBSET_TAGS, Text.class).setText("team=desktop");
                dialog.okPressed();
            });
            driver.actions().jobsets().add().run();
            driver.await("the jobset is listed", () -> jobsets.getItemCount() == 1
                    && textOfRow(jobsets, 0).startsWith("desktop-ci "));
            assertTrue(textOfRow(jobsets, 0).contains(repository + "#main"), textOfRow(jobsets, 0));
            assertTrue(textOfRow(jobsets, 0).contains("team=desktop"), textOfRow(jobsets, 0));
            assertTrue(textOfRow(jobsets, 0).contains("never"), "not evaluated yet: " + textOfRow(jobsets, 0));

            jobsets.setSelection(0);
            WindowDriver.select(jobsets);
            driver.actions().jobsets().evaluate().run();
            driver.await("the evaluation succeeded, as the jobset list says", () -> jobsets.getItemCount() == 1
                    && textOfRow(jobsets, 0).contains("succeeded"));
            Table evaluations = driver.find(WidgetIds.EVALUATIONS_TABLE, Table.class);
            driver.await("the evaluation is listed with its commit", () -> evaluations.getItemCount() == 1
                    && textOfRow(evaluations, 0).contains("succeeded") && textOfRow(evaluations, 0).contains("src@"));
            TableItem evaluation = evaluations.getItem(0);
            assertEquals("1", evaluation.getText(5), "derivations found");
            assertEquals("1", evaluation.getText(6), "builds submitted");
            assertEquals("1", evaluation.getText(9), "its build waits for an agent");
            evaluations.setSelection(0);
            WindowDriver.select(evaluations);
            Text log = driver.find(WidgetIds.EVALUATION_LOG, Text.class);
            driver.await("the evaluation's log", () -> log.getText().contains("evaluated from the desktop")
                    && log.getText().contains(job.drvPath().toString()));
            driver.screenshot("desktop-jobsets.png");

            driver.confirmWhenAsked();
            driver.actions().jobsets().cancelEvaluation().run();
            driver.await("the evaluation's build shows canceled", () -> evaluations.getItemCount() == 1
                    && "0".equals(evaluations.getItem(0).getText(9)) && "1".equals(evaluations.getItem(0).getText(10)));

            driver.actions().jobsets().disable().run();
            driver.await("the jobset shows disabled", () -> textOfRow(jobsets, 0).contains(" no "));
            try (ClientConnection client = new ClientConnection(coordinator, "")) {
                assertEquals(false, client.jobsets().get(0).enabled());
                assertEquals(3, client.jobsets().get(0).priority());
            }

            driver.confirmWhenAsked();
            driver.actions().jobsets().remove().run();
            driver.await("the jobset is gone from the list", () -> jobsets.getItemCount() == 0
                    && empty.getText().startsWith("No jobsets yet"));
            try (ClientConnection client = new ClientConnection(coordinator, "")) {
                assertEquals(List.of(), client.jobsets());
            }
        }
    }

    @Test
    void showsWhatARealAgentRunsAndTheLoadItReported(@TempDir Path config) throws Exception {
        Path drvs = Files.createDirectories(temporary.resolve("agent-drvs"));
        Path job = write(drvs, derivation("ui-agent-job", Map.of()));
        AgentPassword credentials;
        try (ClientConnection connection = new ClientConnection(coordinator, "")) {
            assertEquals(SubmitOutcome.CREATED, connection.submit(List.of(job), 9, Map.of()).get(0).outcome());
            credentials = connection.createAgent(new NewAgentBody("ui-agent", "rack 1", List.of("x86_64-linux"),
                    Map.of("fast", "yes")));
        }
        KilnAgentClient agent = new KilnAgentClient(agentApi, credentials.id(), credentials.password());
        List<FetchedBuild> fetched = List.of();
        long deadline = System.nanoTime() + WindowDriver.TIMEOUT.toNanos();
        for (int attempt = 0; attempt < 300 && System.nanoTime() < deadline
                && fetched.stream().noneMatch(b -> b.derivation().endsWith("ui-agent-job.drv")); attempt++) {
            // The allocation plan is made in the background: the agent asks again, as its fetch loop does.
            fetched = agent.fetch(List.of("x86_64-linux"), 8, 1.25);
            if (fetched.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        FetchedBuild taken = fetched.stream().filter(b -> b.derivation().endsWith("ui-agent-job.drv")).findFirst()
                .orElseThrow(() -> new AssertionError("the agent was given the build"));
        agent.started(taken.id());

        try (WindowDriver driver = new WindowDriver()) {
            MainWindow window = driver.open(ClientConnection::new, config, coordinator, "");
            window.showTab(2);
            Table agents = driver.find(WidgetIds.AGENTS_TABLE, Table.class);
            driver.await("the agent with the build it runs and its load", () -> agents.getItemCount() >= 1
                    && textOfRowShowing(agents, "ui-agent").contains("ui-agent-job.drv")
                    && textOfRowShowing(agents, "ui-agent").contains("1.25"));
            String row = textOfRowShowing(agents, "ui-agent");
            assertTrue(row.contains("online"), row);
            assertTrue(row.contains("fast=yes"), row);
            driver.screenshot("desktop-real-agents.png");
        }
    }

    @Test
    void failuresSayWhatTheOperatorCanDo() throws Exception {
        try (ClientConnection connection = new ClientConnection(coordinator, "")) {
            FarmException missing = assertThrows(FarmException.class, () -> connection.build(UUID.randomUUID()));
            assertEquals(FarmException.Kind.NOT_FOUND, missing.kind());
            Path lone = write(Files.createDirectories(temporary.resolve("lone")), derivation("ui-lone", Map.of()));
            UUID build = connection.submit(List.of(lone), 0, Map.of()).get(0).id();
            connection.cancel(build);
            FarmException twice = assertThrows(FarmException.class, () -> connection.cancel(build));
            assertEquals(FarmException.Kind.REJECTED, twice.kind());
            FarmException unreadable = assertThrows(FarmException.class, () -> connection.submit(
                    List.of(Files.writeString(temporary.resolve("00000000000000000000000000000000-bad.drv"), "Derive(")),
                    0, Map.of()));
            assertEquals(FarmException.Kind.REJECTED, unreadable.kind());
        }
        try (ClientConnection down = new ClientConnection(URI.create("http://127.0.0.1:1"), "")) {
            assertEquals(FarmException.Kind.COORDINATOR_DOWN,
                    assertThrows(FarmException.class, () -> down.build(UUID.randomUUID())).kind());
        }
    }

    /** A git repository with one commit on {@code main}, made with the git command line. */
    private static Path gitRepository(Path directory) throws Exception {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("README"), "built by the desktop test\n");
        git(directory, "init", "-q", "-b", "main");
        git(directory, "add", "README");
        git(directory, "-c", "user.name=Kiln Test", "-c", "user.email=test@kiln.invalid", "commit", "-q", "-m",
                "first");
        return directory;
    }

    private static void git(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
        command.addAll(List.of(arguments));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(git.waitFor(60, TimeUnit.SECONDS), "git " + command + " finished");
        assertEquals(0, git.exitValue(), "git " + command + ": " + output);
    }

    private static Map<String, String> tagsOf(ClientConnection client, UUID build) {
        try {
            return client.build(build).tags();
        } catch (FarmException e) {
            throw new AssertionError(e);
        }
    }

    /** The state the coordinator gives the build, asked through a connection of its own. */
    private static String stateOf(ClientConnection client, UUID build) {
        try {
            return client.build(build).state().toString();
        } catch (FarmException e) {
            throw new AssertionError(e);
        }
    }

    private static int rowShowing(Table table, String text) {
        for (int row = 0; row < table.getItemCount(); row++) {
            if (textOfRow(table, row).contains(text)) {
                return row;
            }
        }
        return -1;
    }

    /** The text of the first row that shows {@code text}, or empty while none does (rows may be read again). */
    private static String textOfRowShowing(Table table, String text) {
        int row = rowShowing(table, text);
        return row < 0 ? "" : textOfRow(table, row);
    }

    private static String textOfRow(Table table, int row) {
        TableItem item = table.getItem(row);
        StringBuilder text = new StringBuilder();
        for (int column = 0; column < table.getColumnCount(); column++) {
            text.append(item.getText(column)).append(' ');
        }
        return text.toString();
    }

    /** A derivation that writes a file, with the output path Nix would give it. */
    private static Derivation derivation(String name, Map<StorePath, SortedSet<String>> inputs) throws Exception {
        StoreDir store = StoreDir.NIX;
        StorePath placeholder = new StorePath(store, "0".repeat(StorePath.HASH_PART_LENGTH), name);
        Derivation draft = build(store, name, inputs, placeholder);
        StorePath out = new DerivationHasher(WRITTEN::get).outputPaths(draft).get("out");
        return build(store, name, inputs, out);
    }

    private static Derivation build(StoreDir store, String name, Map<StorePath, SortedSet<String>> inputs,
            StorePath out) {
        TreeMap<String, String> env = new TreeMap<>(Map.of("builder", "/bin/sh", "name", name, "out", out.toString(),
                "system", "x86_64-linux"));
        return new Derivation(store, name, new TreeMap<>(Map.of("out", new DerivationOutput.InputAddressed(out))),
                new TreeMap<>(inputs), new TreeSet<>(), "x86_64-linux", "/bin/sh",
                List.of("-c", "echo " + name + " > $out"), env);
    }

    private static Path write(Path directory, Derivation derivation) throws IOException {
        WRITTEN.put(derivation.drvPath(), derivation);
        return Files.write(directory.resolve(derivation.drvPath().baseName()), derivation.toAterm());
    }
}
