package dev.kiln.datastore.jpa.internal;

import static dev.kiln.datastore.jpa.internal.Fixtures.SYSTEM;
import static dev.kiln.datastore.jpa.internal.Fixtures.storePath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.DerivationSummary;

/**
 * Derby on a disk that fills: writes fail while it is full, and work again once there is room, without a restart of
 * the coordinator. The disk is a tmpfs of a few megabytes that the test mounts (as root) and unmounts.
 */
class DerbyFullDiskTest {

    private static final int MAX_WRITES = 2_000;
    private static final int TEXT_BYTES = 64 * 1024;

    @TempDir
    Path temporary;

    @Test
    void writesFailWhileTheDiskIsFullAndWorkAgainOnceThereIsRoom() throws Exception {
        Path disk = Files.createDirectories(temporary.resolve("disk"));
        String refused = run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", disk.toString());
        assumeTrue(refused == null, "mounting a tmpfs is not permitted here, so the full-disk case is skipped: " + refused);
        try {
            JpaDatastore datastore = JpaDatastore.open(DatastoreOptions.embeddedDerby(disk.resolve("db")));
            try {
                int written = 0;
                RuntimeException full = null;
                while (full == null && written < MAX_WRITES) {
                    try {
                        insert(datastore, "filler-" + written);
                        written++;
                    } catch (RuntimeException e) {
                        full = e;
                    }
                }
                assertTrue(full != null, "the disk never filled after " + written + " derivations");
                assertTrue(written > 0, "nothing could be written at all");

                assertEquals(null, run("mount", "-o", "remount,size=256m", "tmpfs", disk.toString()));
                RuntimeException last = null;
                boolean recovered = false;
                // The pool reconnects in the background, with a back-off of up to a few seconds.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (int attempt = 0; System.nanoTime() < deadline && !recovered; attempt++) {
                    try {
                        insert(datastore, "after-" + attempt);
                        recovered = true;
                    } catch (RuntimeException e) {
                        last = e;
                        Thread.sleep(100);
                    }
                }
                assertTrue(recovered, "writes still fail once there is room: " + last);
                DerivationSummary first = derivation("filler-0");
                assertEquals(first, datastore.read(r -> r.derivation(first.path())).orElseThrow(),
                        "what was written before the disk filled is there");
            } finally {
                datastore.close();
            }
        } finally {
            run("umount", disk.toString());
        }
    }

    private static void insert(JpaDatastore datastore, String name) {
        datastore.write(tx -> {
            tx.insertDerivations(List.of(derivation(name)));
            return null;
        });
    }

    private static DerivationSummary derivation(String name) {
        return new DerivationSummary(storePath(name + ".drv"), SYSTEM, Map.of("out", storePath(name)), Map.of(),
                Set.of(), "Derive(" + name + "x".repeat(TEXT_BYTES) + ")");
    }

    /** Runs a command: null when it succeeded, else what it said. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.waitFor() == 0 ? null : String.join(" ", command) + ": " + output;
    }
}
