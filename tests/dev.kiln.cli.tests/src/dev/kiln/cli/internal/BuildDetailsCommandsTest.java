package dev.kiln.cli.internal;

import static dev.kiln.cli.internal.RunningCoordinator.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kiln.cli.internal.RunningCoordinator.Run;
import dev.kiln.client.KilnAgentClient;
import dev.kiln.protocol.AttemptLog;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.StateDirectories;

/**
 * What {@code kiln build show} and {@code kiln build log} tell of a failed build, of the builds that waited on it and of
 * a deferred one, against a coordinator and an agent client talking to it.
 */
class BuildDetailsCommandsTest {

    private static final String SYSTEM = "kiln-test-details";
    private static final Path temporary = StateDirectories.create("kiln-build-details-");

    private static RunningCoordinator coordinator;
    private static String url;
    private static List<Path> derivations;

    @BeforeAll
    static void start() throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temporary.resolve("nix")));
        coordinator = new RunningCoordinator(temporary.resolve("state"));
        url = coordinator.clientApi().toString();
        derivations = nix.instantiate(nix.store("source"), """
                let
                  lib = derivation { name = "lib"; system = "%1$s"; builder = "/bin/sh"; args = [ "-c" "exit 2" ]; };
                in [
                  lib
                  (derivation { name = "app"; system = "%1$s"; builder = "/bin/sh"; args = [ "-c" "echo ${lib} > $out" ]; })
                  (derivation { name = "later"; system = "%1$s"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; })
                ]
                """.formatted(SYSTEM)).stream()
                .map(drv -> nix.storeFiles("source").resolve(drv.substring("/nix/store/".length()))).toList();
    }

    @AfterAll
    static void stop() throws Exception {
        RunningCoordinator.stop(coordinator, temporary);
    }

    @Test
    void aFailedBuildShowsItsExitStatusAttemptsAndLogAndItsDependentsNameIt() throws Exception {
        KilnAgentClient agent = coordinator.agent(SYSTEM);
        String lib = submit(derivations.get(0));
        String app = submit(derivations.get(1));
        UUID libId = RunningCoordinator.fetch(agent, SYSTEM, lib);
        agent.started(libId);
        agent.appendLog(libId, new ByteArrayInputStream("compiling\n".getBytes(StandardCharsets.UTF_8)));
        agent.failed(libId, "failed", 2);

        Run shown = kiln("build", "show", lib, "--coordinator", url);
        assertEquals(0, shown.exit(), shown.err());
        assertTrue(shown.out().contains("failure:     failed, exit status 2\n"), shown.out());
        assertTrue(shown.out().lines().anyMatch(line -> line.matches(
                "attempt 1 +agent " + SYSTEM + "  started \\S+  exit status 2")), shown.out());
        BuildInfo json = ProtocolJson.read(kiln("build", "show", lib, "--coordinator", url, "--json").out()
                .getBytes(StandardCharsets.UTF_8), BuildInfo.class);
        assertEquals(2, json.exitStatus());

        Run dependent = kiln("build", "show", app, "--coordinator", url);
        assertTrue(dependent.out().contains("state:       dependency-failed\n"), dependent.out());
        assertTrue(dependent.out().contains("dependency:  " + lib + "  " + derivationPath(derivations.get(0))
                + "  failed at " + json.finishedAt() + "\n"), dependent.out());

        Run text = kiln("build", "log", lib, "--coordinator", url);
        assertEquals("=== kiln: attempt 1 on agent " + SYSTEM + " at " + json.attempts().get(0).startedAt()
                + " ===\ncompiling\n", text.out());
        Run log = kiln("build", "log", lib, "--coordinator", url, "--json");
        assertEquals(0, log.exit(), log.err());
        List<String> lines = log.out().lines().toList();
        assertEquals(1, lines.size(), log.out());
        assertEquals(new AttemptLog(1, SYSTEM, json.attempts().get(0).startedAt(), "compiling\n"),
                ProtocolJson.read(lines.get(0).getBytes(StandardCharsets.UTF_8), AttemptLog.class));
    }

    @Test
    void aDeferredBuildShowsUntilWhen() {
        String later = submit(derivations.get(2), "--defer-until", "2099-01-01T00:00:00Z");
        try {
            Run shown = kiln("build", "show", later, "--coordinator", url);
            assertTrue(shown.out().contains("deferred:    until 2099-01-01T00:00:00Z\n"), shown.out());
        } finally {
            assertEquals(0, kiln("build", "cancel", later, "--coordinator", url).exit());
        }
    }

    private static String derivationPath(Path file) {
        return "/nix/store/" + file.getFileName();
    }

    private static String submit(Path drv, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("build", "submit", drv.toString(), "--coordinator", url,
                "--json"));
        args.addAll(List.of(options));
        Run submitted = kiln(args.toArray(String[]::new));
        assertEquals(0, submitted.exit(), submitted.err());
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(submitted.out());
        assertTrue(id.find(), submitted.out());
        return id.group(1);
    }
}
