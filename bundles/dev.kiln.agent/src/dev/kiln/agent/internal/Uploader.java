package dev.kiln.agent.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.agent.internal.CoordinatorConnection.CompressedNar;
import dev.kiln.agent.internal.CoordinatorConnection.OutputReport;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.retry.Backoff;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StorePath;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;

/**
 * Uploads outputs as zstd-compressed NARs, at most a given number at once. Each NAR is compressed first, in memory
 * when it is small, else to a spool file, and its NAR hash checked against the build's; then it is sent from its
 * first byte, and a broken upload goes on from the bytes the coordinator already holds. Compression is
 * deterministic, so a NAR compressed again after a crash has the same bytes: spool files do not outlive an upload,
 * nor the agent.
 */
final class Uploader {

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
    static final int ATTEMPTS = 8;
    /** NARs up to this size are compressed in memory: no file to make and delete. */
    static final long IN_MEMORY_NAR_SIZE = 1 << 20;

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
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(spool)) {
            for (Path leftover : leftovers) {
                LocalStore.deleteTree(leftover);
            }
        }
    }

    /**
     * @param resume whether an upload of this output may have begun before (a build taken up after a restart): the
     *        first attempt then continues from what the coordinator holds, as every retry does
     */
    OutputReport upload(UUID build, BuiltOutput output, boolean resume) throws IOException, InterruptedException {
        slots.acquire();
        Path file = null;
        try {
            ByteArrayOutputStream memory = null;
            OutputStream compressedTarget;
            if (output.nar().narSize() <= IN_MEMORY_NAR_SIZE) {
                compressedTarget = memory = new ByteArrayOutputStream();
            } else {
                file = spool.resolve(build + "-" + output.name() + ".nar.zst");
                compressedTarget = Files.newOutputStream(file);
            }
            HashingOutputStream fileHashing = new HashingOutputStream(HashAlgorithm.SHA256, compressedTarget);
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
            send(build, output.name(), memory != null ? new CompressedNar.InMemory(memory.toByteArray())
                    : new CompressedNar.Spooled(file), resume);
            TreeSet<String> references = new TreeSet<>();
            output.references().stream().map(StorePath::toString).forEach(references::add);
            return new OutputReport(output.name(), output.path().toString(), nar.narHash().toPrefixedBase32(),
                    nar.narSize(), references, compressed.narHash().toPrefixedBase32(), compressed.narSize());
        } finally {
            slots.release();
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Cannot delete the spool file {}: {}", file, e.getMessage());
                }
            }
        }
    }

    private void send(UUID build, String output, CompressedNar nar, boolean resume)
            throws IOException, InterruptedException {
        Backoff backoff = new Backoff(retryDelay, retryDelay.multipliedBy(30), FetchLoop.JITTER);
        for (int attempt = 1; ; attempt++) {
            try {
                connection.upload(build, output, nar, resume || attempt > 1);
                return;
            } catch (CoordinatorConnection.RejectedException e) {
                throw e;
            } catch (IOException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                Duration delay = backoff.delay(attempt - 1, ThreadLocalRandom.current());
                LOG.warn("Upload of {} of build {} broke off ({}); resuming in {} ms", output, build, e.getMessage(),
                        delay.toMillis());
                Thread.sleep(delay);
            }
        }
    }
}
