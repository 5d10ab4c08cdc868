package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd units the products ship, and the coordinator's readiness notification. */
class ServiceUnitsProductTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theUnitsPassSystemdAnalyzeVerify(@TempDir Path temp) throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(analyze != null,
                "systemd-analyze is not installed (Debian package systemd, which .ci/run installs): the units are not checked");
        Product coordinator = Product.unpack("kiln-coordinator", temp);
        Product agent = Product.unpack("kiln-agent", temp);
        // The units name the installation under /opt, as the README installs it: point them at the unpacked one.
        verify(analyze, temp, coordinator.home().resolve("lib/systemd/kiln-coordinator.service"),
                "/opt/kiln-coordinator", coordinator.home());
        verify(analyze, temp, agent.home().resolve("lib/systemd/kiln-agent.service"), "/opt/kiln-agent", agent.home());
    }

    @Test
    void theCoordinatorNotifiesReadinessOnceHealthzAnswers(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-coordinator", temp);
        int clientPort = CoordinatorProductTest.freePort();
        int agentPort = CoordinatorProductTest.freePort();
        // A systemd-notify that records its arguments and what /healthz answers at the moment it is called.
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path notified = temp.resolve("notified");
        Path notify = Files.writeString(bin.resolve("systemd-notify"), "#!/bin/sh\n"
                + "{ echo \"$@\"; curl -s http://127.0.0.1:" + clientPort + "/healthz; } > " + notified + ".part\n"
                + "mv " + notified + ".part " + notified + "\n");
        Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment = Map.of("PATH", bin + ":" + System.getenv("PATH"),
                "NOTIFY_SOCKET", temp.resolve("notify.socket").toString());
        try (RunningProcess coordinator = product.start("kiln", temp.resolve("coordinator.log"), environment,
                "coordinator", "--state-dir", temp.resolve("state").toString(),
                "--client-listen", "127.0.0.1:" + clientPort, "--agent-listen", "127.0.0.1:" + agentPort)) {
            coordinator.awaitUntil("the coordinator calls systemd-notify", TIMEOUT, () -> Files.exists(notified));
            String call = Files.readString(notified);
            assertTrue(call.startsWith("--ready --pid="), call);
            assertTrue(call.contains("\"status\":\"ok\""), "/healthz answered when readiness was notified: " + call);
            assertEquals(143, coordinator.terminate(TIMEOUT), coordinator.output());
            assertTrue(!coordinator.output().contains("Exception"), "a clean stop: " + coordinator.output());
        }
    }

    private static void verify(Path analyze, Path temp, Path unit, String installed, Path home)
            throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(unit), unit + " is in the product");
        Path copy = Files.createDirectories(temp.resolve("units")).resolve(unit.getFileName());
        Files.writeString(copy, Files.readString(unit).replace(installed, home.toString()));
        Process process = new ProcessBuilder(analyze.toString(), "verify", copy.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "systemd-analyze finished");
        assertEquals(0, process.exitValue(), output);
        assertEquals("", output.strip(), "systemd-analyze has nothing to say about " + unit.getFileName());
    }
}
