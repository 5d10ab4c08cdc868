package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import dev.kiln.testing.RealNix;

/**
 * A SIGSTOPped agent's build, or the build of an agent whose network is cut, is taken back once the agent shows no
 * sign of life for the stall time, and built by another agent; the first agent, once continued or reconnected, drops
 * it: the new attempt's success stands, and the agent, back in step with the coordinator, builds again.
 */
class StalledAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aStoppedAgentsBuildIsBuiltElsewhereAndItsLateWorkRefused(@TempDir Path temp) throws Exception {
        takenBackBuiltElsewhereAndRefusedLate(temp, false);
    }

    /** The same with the agent running on but its network cut (see {@link CuttableLink}). */
    @Test
    void aCutOffAgentsBuildIsBuiltElsewhereAndItsLateWorkRefused(@TempDir Path temp) throws Exception {
        takenBackBuiltElsewhereAndRefusedLate(temp, true);
    }

    private static void takenBackBuiltElsewhereAndRefusedLate(Path temp, boolean cutNetwork) throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        String drv = nix.instantiate(nix.store("reference"), "derivation { name = \"sleepy\"; system = \"x86_64-linux\";"
                + " builder = \"/bin/sh\"; args = [ \"-c\" \"/bin/echo sleeping; /bin/sleep 15; /bin/echo awake > $out\" ]; }")
                .get(0);
        Path drvFile = nix.storeFiles("reference").resolve(Path.of(drv).getFileName());
        try (Farm farm = Farm.start(temp.resolve("farm"), List.of("--stall-timeout", "5"));
                CuttableLink link = new CuttableLink(farm.agentPort())) {
            String first = farm.startAgent("first-agent", "x86_64-linux", 1, List.of(),
                    cutNetwork ? link.url() : farm.agentUrl());
            String id = farm.kilnJson("build", "submit", drvFile.toString()).get(0).path("id").asText();
            await(farm, "the first agent starts the build", () -> farm.build(id).path("state").asText().equals("started")
                    && first.equals(farm.build(id).path("agent").asText()));

            if (cutNetwork) {
                link.cut();
            } else {
                farm.signalAgent("first-agent", "STOP");
            }
            String second = farm.startAgent("second-agent", "x86_64-linux", 1, List.of());
            await(farm, "the build is built by the second agent", () -> farm.build(id).path("state").asText()
                    .equals("succeeded"));
            assertEquals(second, farm.build(id).path("agent").asText());

            if (cutNetwork) {
                link.mend();
            } else {
                farm.signalAgent("first-agent", "CONT");
            }
            // Its heartbeat is told to drop the build, or its late report is refused: either way it gives up.
            await(farm, "the first agent gives the build up", () -> {
                try {
                    String log = Files.readString(farm.agentLog("first-agent"));
                    return log.contains("took build " + id + " back") || log.contains("Cannot report on build " + id);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("succeeded", farm.build(id).path("state").asText());
            assertEquals(second, farm.build(id).path("agent").asText(), "the new attempt stands");

            // Back in step with the coordinator, the first agent takes work again.
            farm.signalAgent("second-agent", "STOP");
            String next = nix.instantiate(nix.store("reference"), "derivation { name = \"after-pause\";"
                    + " system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" \"/bin/echo back > $out\" ]; }")
                    .get(0);
            String nextId = farm.kilnJson("build", "submit",
                    nix.storeFiles("reference").resolve(Path.of(next).getFileName()).toString()).get(0).path("id")
                    .asText();
            await(farm, "the first agent builds again", () -> farm.build(nextId).path("state").asText()
                    .equals("succeeded"));
            assertEquals(first, farm.build(nextId).path("agent").asText());
        }
    }

    private static void await(Farm farm, String what, java.util.function.BooleanSupplier condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + WAIT.toSeconds() + " s:\n" + farm.logs());
            }
            Thread.sleep(200);
        }
    }
}
