package dev.kiln.ci.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.api.Tag;
import dev.kiln.ci.Channel;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.testing.Services;

/**
 * A state directory of an earlier version, whose jobsets and evaluations were JSON files beside the database: they
 * move into the datastore once, and the coordinator goes on from there.
 */
class JsonFilesImportTest {

    private static final BundleContext CONTEXT = Services.context(JsonFilesImportTest.class);

    /** A jobset file as earlier versions wrote it. */
    private static final String JOBSET = """
            {"name":"legacy","channels":[{"name":"src","url":"/srv/git/legacy","branch":"main"}],
             "evaluationCommand":"nix-instantiate release.nix","storeDir":"/nix/store","storeRoot":"/nix/store",
             "period":"PT5M","priority":3,"tags":[{"key":"team","value":"ci"}],"enabled":false,
             "maxBuildsPerEvaluation":500,"supersede":true}
            """;
    private static final String EVALUATION = """
            {"id":41,"jobset":"legacy","commits":{"src":"0123456789abcdef0123456789abcdef01234567"},
             "startedAt":"2026-11-30T10:00:00Z","finishedAt":"2026-11-30T10:01:00Z","status":"SUCCEEDED",
             "derivationsFound":2,"buildsSubmitted":1,"error":null}
            """;

    @TempDir
    Path state;

    @Test
    void importsTheJsonFilesOnceAndKeepsTheLogs() throws Exception {
        Path ci = Files.createDirectories(state.resolve("ci"));
        Files.writeString(Files.createDirectories(ci.resolve("jobsets")).resolve("legacy.json"), JOBSET);
        Path evaluations = Files.createDirectories(ci.resolve("evaluations"));
        Files.writeString(evaluations.resolve("41.json"), EVALUATION);
        Files.writeString(evaluations.resolve("41.builds"),
                "/nix/store/00000000000000000000000000000000-a.drv\t6f1c8f4e-8a36-4a4b-9d2e-6d0f3c0b6a11\n");
        Files.writeString(evaluations.resolve("41.log"), "/nix/store/00000000000000000000000000000000-a.drv\n");

        List<Configuration> configurations = start();
        try {
            JobsetService jobsets = Services.await(CONTEXT, JobsetService.class);
            Jobset imported = jobsets.get("legacy");
            assertEquals(new Jobset("legacy", List.of(new Channel("src", "/srv/git/legacy", "main")), "nix-instantiate release.nix", "/nix/store",
                    "/nix/store", Duration.ofMinutes(5), 3, Set.of(new Tag("team", "ci")), false, 500, true), imported);
            Evaluation evaluation = jobsets.evaluation(41);
            assertEquals(EvaluationStatus.SUCCEEDED, evaluation.status());
            assertEquals(Map.of("src", "0123456789abcdef0123456789abcdef01234567"), evaluation.commits());
            assertEquals(41, jobsets.latestEvaluations().get("legacy").id(), "the list carries the last evaluation");
            assertTrue(Files.readString(jobsets.evaluationLog(41)).contains("-a.drv"), "the log stays readable");
            assertFalse(Files.exists(ci.resolve("jobsets")), "the files are imported once");
            assertTrue(Files.exists(ci.resolve("imported/jobsets/legacy.json")), "and kept aside");

            jobsets.remove("legacy");
            restartJobsets(configurations);
            jobsets = Services.await(CONTEXT, JobsetService.class);
            assertEquals(List.of(), jobsets.list(), "a removed jobset is not imported again");
            assertEquals(EvaluationStatus.SUCCEEDED, jobsets.evaluation(41).status());
        } finally {
            for (Configuration configuration : configurations.reversed()) {
                configuration.delete();
            }
            Services.awaitGone(CONTEXT, JobsetService.class);
        }
    }

    private List<Configuration> start() throws IOException {
        String dir = state.toString();
        return new ArrayList<>(List.of(
                Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", dir)),
                Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir", dir)),
                Services.configure(CONTEXT, "dev.kiln.ci", Map.of("state.dir", dir))));
    }

    private void restartJobsets(List<Configuration> configurations) throws Exception {
        configurations.remove(2).delete();
        Services.awaitGone(CONTEXT, JobsetService.class);
        configurations.add(Services.configure(CONTEXT, "dev.kiln.ci", Map.of("state.dir", state.toString())));
    }
}
