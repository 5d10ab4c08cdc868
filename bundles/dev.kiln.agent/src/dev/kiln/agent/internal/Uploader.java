package dev.kiln.agent.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.agent.internal.CoordinatorConnection.OutputReport;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StorePath;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;

/**
 * Uploads outputs as zstd-compressed NARs, at most a given number at once. Each NAR is written to a spool file
 * first (its NAR hash checked against the build's), then sent from the bytes the coordinator already holds, so a
 * broken upload goes on where it stopped. Compression is deterministic, so a NAR spooled again after a crash has
 * the same bytes.
 */
final class Uploader {

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
    static final int ATTEMPTS = 8;

    private final CoordinatorConnection connection;
    private final LocalStore store;
    private final Path spool;
    private final Semaphore slots;
    private final Duration retryDelay;

    Uploader(CoordinatorConnection connection, LocalStore store, Path stateDirectory, int parallelUploads,
            Duration retryDelay) throws IOException {
        this.connection = connection;
        this.store = store;
        this.spool = Files.createDirectories(stateDirectory.resolve("spool"));
        this.slots = new Semaphore(parallelUploads, true);
        this.retryDelay = retryDelay;
    }

    OutputReport upload(UUID build, BuiltOutput output) throws IOException, InterruptedException {
        slots.acquire();
        try {
            Path directory = Files.createDirectories(spool.resolve(build.toString()));
            Path file = directory.resolve(output.name() + ".nar.zst");
            HashingOutputStream fileHashing = new HashingOutputStream(HashAlgorithm.SHA256, Files.newOutputStream(file));
            HashingOutputStream narHashing = new HashingOutputStream(HashAlgorithm.SHA256,
                    Compression.ZSTD.compress(fileHashing));
            try (OutputStream closing = narHashing) {
                NarWriter.write(store.files(output.path()), closing);
            }
            NarDigest nar = narHashing.digest();
            if (!nar.equals(output.nar())) {
                throw new IOException(output.path() + " changed after its build: its NAR hash is now "
                        + nar.narHash().toPrefixedBase32());
            }
            NarDigest compressed = fileHashing.digest();
            send(build, output.name(), file);
            TreeSet<String> references = new TreeSet<>();
            output.references().stream().map(StorePath::toString).forEach(references::add);
            return new OutputReport(output.name(), output.path().toString(), nar.narHash().toPrefixedBase32(),
                    nar.narSize(), references, compressed.narHash().toPrefixedBase32(), compressed.narSize());
        } finally {
            slots.release();
        }
    }

    private void send(UUID build, String output, Path file) throws IOException, InterruptedException {
        Backoff backoff = new Backoff(retryDelay, retryDelay.multipliedBy(30));
        for (int attempt = 1; ; attempt++) {
            try {
                connection.upload(build, output, file);
                return;
            } catch (CoordinatorConnection.RejectedException e) {
                throw e;
            } catch (IOException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                Duration delay = backoff.nextDelay();
                LOG.warn("Upload of {} of build {} broke off ({}); resuming in {} ms", output, build, e.getMessage(),
                        delay.toMillis());
                Thread.sleep(delay);
            }
        }
    }

    /** Deletes a build's spooled files once its result is reported. */
    void forget(UUID build) {
        try {
            LocalStore.deleteTree(spool.resolve(build.toString()));
        } catch (IOException e) {
            LOG.warn("Cannot delete the spooled outputs of {}: {}", build, e.getMessage());
        }
    }
}
