package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.kiln.testing.RealNix;

/**
 * Fair shares with the real products: two jobsets of shares 1 and 3 contend for one agent and get build time in
 * about that ratio; a backlog of one system does not delay the agent of another.
 */
class FairShareTest {

    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final int PER_JOBSET = 30;
    /** How many builds finish before the build time is counted: neither jobset runs out of builds by then. */
    private static final int COUNTED = 24;

    @Test
    void jobsetsGetBuildTimeByTheirSharesAndAnotherSystemsAgentIsNotDelayed(@TempDir Path temp) throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        String store = nix.store("reference");
        Map<String, List<Path>> drvs = new HashMap<>();
        for (String jobset : List.of("small", "big")) {
            List<Path> files = new ArrayList<>();
            for (String drv : nix.instantiate(store, "builtins.genList (i: derivation { name = \"" + jobset
                    + "-${toString i}\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" "
                    + "\"/bin/sleep 1; /bin/echo done > $out\" ]; }) " + PER_JOBSET)) {
                files.add(nix.storeFiles("reference").resolve(Path.of(drv).getFileName()));
            }
            drvs.put(jobset, files);
        }
        Path other = nix.storeFiles("reference").resolve(Path.of(nix.instantiate(store, "derivation { name = "
                + "\"other-system\"; system = \"i686-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" "
                + "\"/bin/echo done > $out\" ]; }").get(0)).getFileName());

        try (Farm farm = Farm.start(temp.resolve("farm"))) {
            farm.kilnJson("jobset", "add", "small", "--channel", "src=/srv/small.git", "--command", "true",
                    "--shares", "1");
            farm.kilnJson("jobset", "add", "big", "--channel", "src=/srv/big.git", "--command", "true",
                    "--shares", "3");
            Map<String, List<String>> ids = new HashMap<>();
            // The small jobset's builds are older: by age alone, they would all go first.
            for (String jobset : List.of("small", "big")) {
                List<String> command = new ArrayList<>(List.of("build", "submit", "--tag", "jobset=" + jobset));
                drvs.get(jobset).forEach(drv -> command.add(drv.toString()));
                List<String> submitted = new ArrayList<>();
                farm.kilnJson(command.toArray(String[]::new)).forEach(build -> submitted.add(build.path("id").asText()));
                assertEquals(PER_JOBSET, submitted.size());
                ids.put(jobset, submitted);
            }
            String otherId = farm.kilnJson("build", "submit", other.toString()).get(0).path("id").asText();

            farm.startAgent("x86-agent", "x86_64-linux", 2, List.of());
            farm.startAgent("i686-agent", "i686-linux", 1, List.of());
            farm.await("the build of the other system is built", WAIT,
                    () -> state(farm, otherId).equals("succeeded"));
            long waiting = ids.values().stream().flatMap(List::stream)
                    .filter(id -> state(farm, id).equals("scheduled")).count();
            assertTrue(waiting >= PER_JOBSET, "the i686 agent built its build while the x86_64 backlog was still "
                    + "there: " + waiting + " x86_64 builds waiting");

            farm.await(COUNTED + " builds finish", WAIT, () -> finished(farm, ids) >= COUNTED);
            Map<String, Double> seconds = new HashMap<>();
            ids.forEach((jobset, list) -> seconds.put(jobset, list.stream().map(farm::build)
                    .filter(build -> build.path("state").asText().equals("succeeded"))
                    .mapToDouble(FairShareTest::buildSeconds).sum()));
            double ratio = seconds.get("big") / seconds.get("small");
            assertTrue(ratio > 2 && ratio < 4.5, "big (3 shares) got about 3 times the build time of small (1): "
                    + seconds);
            assertEquals("succeeded", state(farm, otherId));
        }
    }

    private static long finished(Farm farm, Map<String, List<String>> ids) {
        return ids.values().stream().flatMap(List::stream).filter(id -> state(farm, id).equals("succeeded")).count();
    }

    private static String state(Farm farm, String id) {
        return farm.build(id).path("state").asText();
    }

    private static double buildSeconds(JsonNode build) {
        return Duration.between(Instant.parse(build.path("startedAt").asText()),
                Instant.parse(build.path("finishedAt").asText())).toMillis() / 1000.0;
    }
}
