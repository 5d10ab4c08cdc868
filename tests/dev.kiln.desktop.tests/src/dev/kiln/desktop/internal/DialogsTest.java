package dev.kiln.desktop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.window.Window;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kiln.protocol.ChannelInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.NewAgentBody;

/** The new-agent, jobset and submit dialogs on the real display: what they read from their fields, what they refuse. */
class DialogsTest {

    private WindowDriver driver;
    private Shell parent;

    @BeforeEach
    void openDisplay() {
        driver = new WindowDriver();
        parent = new Shell(driver.display);
    }

    @AfterEach
    void close() {
        parent.dispose();
        driver.close();
    }

    @Test
    void newAgentDialogReadsItsFieldsAndWantsAName() throws Exception {
        NewAgentDialog dialog = new NewAgentDialog(parent);
        dialog.setBlockOnOpen(false);
        dialog.open();
        Text name = driver.find(WidgetIds.AGENT_NAME, Text.class);
        assertEquals("x86_64-linux", driver.find(WidgetIds.AGENT_SYSTEMS, Text.class).getText());

        dialog.okPressed();
        assertFalse(dialog.getShell().isDisposed(), "a nameless agent keeps the dialog open");
        assertNull(dialog.result());

        name.setText("  builder-7 ");
        driver.find(WidgetIds.AGENT_DESCRIPTION, Text.class).setText("rack 2");
        driver.find(WidgetIds.AGENT_SYSTEMS, Text.class).setText("x86_64-linux, aarch64-linux");
        driver.find(WidgetIds.AGENT_TAGS, Text.class).setText("fast=yes rack=2");
        driver.screenshot("desktop-new-agent-dialog.png");
        dialog.okPressed();

        assertEquals(Window.OK, dialog.getReturnCode());
        assertEquals(new NewAgentBody("builder-7", "rack 2", List.of("x86_64-linux", "aarch64-linux"),
                Map.of("fast", "yes", "rack", "2")), dialog.result());
    }

    @Test
    void jobsetDialogReadsEveryFieldAndSaysWhatIsMissing() throws Exception {
        JobsetDialog dialog = new JobsetDialog(parent, null);
        dialog.setBlockOnOpen(false);
        dialog.open();
        assertEquals("/nix/store", driver.find(WidgetIds.JOBSET_STORE_DIR, Text.class).getText());

        dialog.okPressed();
        assertFalse(dialog.getShell().isDisposed(), "a nameless jobset keeps the dialog open");
        driver.find(WidgetIds.JOBSET_NAME, Text.class).setText(" hello ");
        driver.find(WidgetIds.JOBSET_COMMAND, Text.class).setText("nix-instantiate release.nix");
        dialog.okPressed();
        assertFalse(dialog.getShell().isDisposed(), "a jobset without channels keeps the dialog open");
        assertNull(dialog.result());

        driver.find(WidgetIds.JOBSET_CHANNELS, Text.class).setText("https://git.example/hello.git\n"
                + "nixpkgs=https://git.example/nixpkgs.git release-24.11");
        driver.find(WidgetIds.JOBSET_PERIOD, Text.class).setText("300");
        driver.find(WidgetIds.JOBSET_PRIORITY, Text.class).setText("5");
        driver.find(WidgetIds.JOBSET_TAGS, Text.class).setText("team=ci");
        driver.find(WidgetIds.JOBSET_MAX_BUILDS, Text.class).setText("x");
        dialog.okPressed();
        assertFalse(dialog.getShell().isDisposed(), "a limit that is no number keeps the dialog open");
        driver.find(WidgetIds.JOBSET_MAX_BUILDS, Text.class).setText("");
        driver.find(WidgetIds.JOBSET_SUPERSEDE, Button.class).setSelection(true);
        driver.screenshot("desktop-jobset-dialog.png");
        dialog.okPressed();

        assertEquals(Window.OK, dialog.getReturnCode());
        assertEquals(jobset(true), dialog.result());

        JobsetDialog change = new JobsetDialog(parent, dialog.result());
        change.setBlockOnOpen(false);
        change.open();
        assertFalse(driver.find(WidgetIds.JOBSET_NAME, Text.class).getEditable(), "a jobset keeps its name");
        driver.find(WidgetIds.JOBSET_ENABLED, Button.class).setSelection(false);
        change.okPressed();
        assertEquals(jobset(false), change.result());
    }

    /** The jobset the test types into the dialog. */
    private static JobsetInfo jobset(boolean enabled) {
        return new JobsetInfo("hello", List.of(new ChannelInfo("hello", "https://git.example/hello.git", "main"),
                new ChannelInfo("nixpkgs", "https://git.example/nixpkgs.git", "release-24.11")),
                "nix-instantiate release.nix", "/nix/store", null, 300, 5, Map.of("team", "ci"), enabled, null, true);
    }

    @Test
    void submitDialogWantsFilesAndReadsPriorityAndTags() throws Exception {
        SubmitDialog dialog = new SubmitDialog(parent);
        dialog.setBlockOnOpen(false);
        dialog.open();

        dialog.okPressed();
        assertFalse(dialog.getShell().isDisposed(), "no file keeps the dialog open");
        assertNull(dialog.result());

        Path hello = Path.of("/nix/store/0b1fd8a0c7h2jrh3h5f1gc5m1m8p8y3q-hello.drv");
        Path world = Path.of("/tmp/world.drv");
        dialog.addFiles(List.of(hello, world));
        dialog.addFiles(List.of(hello));
        assertEquals(2, driver.find(WidgetIds.SUBMIT_FILES, org.eclipse.swt.widgets.List.class).getItemCount());
        driver.find(WidgetIds.SUBMIT_PRIORITY, Spinner.class).setSelection(7);
        driver.find(WidgetIds.SUBMIT_TAGS, Text.class).setText("jobset=nightly");
        driver.screenshot("desktop-submit-dialog.png");
        dialog.okPressed();

        assertEquals(Window.OK, dialog.getReturnCode());
        assertEquals(new SubmitDialog.Submission(List.of(hello, world), 7, Map.of("jobset", "nightly")),
                dialog.result());
    }
}
