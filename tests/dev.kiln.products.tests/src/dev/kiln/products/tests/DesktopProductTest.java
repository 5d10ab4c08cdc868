package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop archive: under a private Xvfb display its window opens and Ctrl+Q closes it with exit code 0;
 * without a display it says so, and on a machine whose loader knows no GTK 3 it names the package to install. Needs
 * Debian's {@code xvfb} and {@code xdotool}.
 */
class DesktopProductTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void opensItsWindowAndQuitsOnCtrlQ(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-desktop", temp);
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                .redirectError(temp.resolve("xvfb.log").toFile())
                .start();
        try {
            String display = ":" + readDisplayNumber(xvfb);
            try (RunningProcess desktop = product.start("kiln-desktop", temp.resolve("desktop.log"),
                    Map.of("DISPLAY", display), "--coordinator", "http://127.0.0.1:8746")) {
                String[] window = new String[1];
                desktop.awaitUntil("the Kiln window is shown", TIMEOUT, () -> {
                    window[0] = run(display, "xdotool", "search", "--onlyvisible", "--name", "^Kiln");
                    return !window[0].isBlank();
                });
                String windowId = window[0].lines().findFirst().orElseThrow();
                screenshot(display, temp);
                run(display, "xdotool", "windowfocus", "--sync", windowId, "key", "ctrl+q");
                assertEquals(0, desktop.awaitExit(TIMEOUT), desktop.output());
            }
        } finally {
            xvfb.destroyForcibly();
            xvfb.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void saysClearlyWhenThereIsNoDisplay(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-desktop", temp);
        try (RunningProcess desktop = product.start("kiln-desktop", temp.resolve("desktop.log"),
                Map.of("DISPLAY", "", "WAYLAND_DISPLAY", ""))) {
            assertEquals(3, desktop.awaitExit(TIMEOUT), desktop.output());
            assertTrue(desktop.output().contains("kiln-desktop: no display found"), desktop.output());
        }
    }

    @Test
    void namesThePackageToInstallWhenGtk3IsMissing(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-desktop", temp);
        // The loader's cache of a machine without GTK: an ldconfig that lists no library, first on the PATH.
        Path bin = Files.createDirectories(temp.resolve("no-gtk"));
        Path ldconfig = Files.writeString(bin.resolve("ldconfig"), "#!/bin/sh\necho '0 libs found in cache'\n");
        assertTrue(ldconfig.toFile().setExecutable(true));
        try (RunningProcess desktop = product.start("kiln-desktop", temp.resolve("desktop.log"),
                Map.of("PATH", bin + ":" + System.getenv("PATH"), "LD_LIBRARY_PATH", "", "DISPLAY", ":0"),
                "--coordinator", "http://127.0.0.1:8746")) {
            assertEquals(3, desktop.awaitExit(TIMEOUT), desktop.output());
            List<String> lines = desktop.output().lines().toList();
            assertEquals(1, lines.size(), "one line: " + desktop.output());
            assertTrue(lines.get(0).startsWith("kiln-desktop: GTK 3 (libgtk-3.so.0) is not installed")
                    && lines.get(0).contains("apt-get install libgtk-3-0"), desktop.output());
        }
    }

    private static String readDisplayNumber(Process xvfb) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
        String line = reader.readLine();
        if (line == null || !line.strip().matches("\\d+")) {
            fail("Xvfb did not report its display (is Debian's xvfb installed?): " + line);
        }
        return line.strip();
    }

    /** Keeps a picture of the window beside the test reports, for people reviewing a change to the UI. */
    private static void screenshot(String display, Path temp) throws IOException, InterruptedException {
        Path reports = Path.of(System.getProperty("kiln.products.dir"), "..", "..", "..", "tests",
                "dev.kiln.products.tests", "target");
        Path png = Files.isDirectory(reports) ? reports.resolve("desktop.png") : temp.resolve("desktop.png");
        run(display, "import", "-window", "root", png.toString());
    }

    private static String run(String display, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
            builder.environment().put("DISPLAY", display);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish");
            }
            return process.exitValue() == 0 ? output : "";
        } catch (IOException e) {
            throw new AssertionError(command[0] + " cannot run (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
