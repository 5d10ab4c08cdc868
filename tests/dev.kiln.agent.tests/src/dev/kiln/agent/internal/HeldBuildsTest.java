package dev.kiln.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.agent.internal.CoordinatorConnection.AllocatedBuild;

/** The journal of held builds: what a new agent on the same state directory finds after a stop or a crash. */
class HeldBuildsTest {

    @TempDir
    Path state;

    private static AllocatedBuild build(String name) {
        return new AllocatedBuild(UUID.randomUUID(), "/nix/store/" + "a".repeat(32) + "-" + name + ".drv",
                "Derive([(\"out\",\"/nix/store/" + "b".repeat(32) + "-" + name + "\",\"\",\"\")],[],[],\"x86_64-linux\","
                        + "\"/bin/sh\",[\"-c\",\"echo 'two\nlines' > $out\"],[(\"out\",\"x\")])",
                "x86_64-linux");
    }

    /** @return builds of these names, held in this order */
    private static List<AllocatedBuild> hold(HeldBuilds held, String... names) throws IOException {
        List<AllocatedBuild> builds = java.util.stream.Stream.of(names).map(HeldBuildsTest::build).toList();
        for (AllocatedBuild build : builds) {
            held.hold(build);
        }
        return builds;
    }

    @Test
    void aNewAgentFindsTheBuildsHeldAndNotReleasedInTheOrderTheyCame() throws IOException {
        HeldBuilds held = new HeldBuilds(state);
        List<AllocatedBuild> builds = hold(held, "first", "second", "third");
        held.release(builds.get(1).id());
        assertEquals(List.of(builds.get(0), builds.get(2)), held.held());
        assertEquals(List.of(builds.get(0), builds.get(2)), new HeldBuilds(state).held());
    }

    @Test
    void aLineCutOffByACrashIsIgnoredAndTheJournalGoesOn() throws IOException {
        AllocatedBuild first = hold(new HeldBuilds(state), "first").get(0);
        Files.writeString(state.resolve("held/journal"), "+ " + UUID.randomUUID() + " RGVya", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        HeldBuilds afterCrash = new HeldBuilds(state);
        assertEquals(List.of(first), afterCrash.held());
        AllocatedBuild second = hold(afterCrash, "second").get(0);
        assertEquals(List.of(first, second), new HeldBuilds(state).held());
    }

    @Test
    void theJournalIsRewrittenOnceManyBuildsAreReleased() throws IOException {
        HeldBuilds held = new HeldBuilds(state);
        AllocatedBuild kept = hold(held, "kept").get(0);
        Path journal = state.resolve("held/journal");
        long oneBuild = Files.size(journal);
        for (int index = 0; index < HeldBuilds.REWRITE_AFTER; index++) {
            AllocatedBuild passing = build("passing-" + index);
            held.hold(passing);
            held.release(passing.id());
        }
        assertEquals(oneBuild, Files.size(journal), "only the build still held is left");
        assertEquals(List.of(kept), new HeldBuilds(state).held());
    }

    @Test
    void takesUpTheFilesOfAnAgentThatKeptOneFileForEachBuild() throws IOException {
        AllocatedBuild old = build("old");
        Path file = Files.createDirectories(state.resolve("held")).resolve(old.id().toString());
        Files.writeString(file, old.drvPath() + "\n" + old.system() + "\n" + old.derivationText());
        HeldBuilds held = new HeldBuilds(state);
        assertEquals(List.of(old), held.held());
        assertFalse(Files.exists(file), "its file is now a line of the journal");
        held.release(old.id());
        assertTrue(new HeldBuilds(state).held().isEmpty());
    }
}
