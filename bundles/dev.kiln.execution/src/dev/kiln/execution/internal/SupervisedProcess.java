package dev.kiln.execution.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.execution.BuildResult.Status;

/**
 * Runs a process with its standard output and error merged into a log, and kills it with all its descendants when
 * it runs too long, stays silent too long, writes more log than its limit, or the calling thread is interrupted.
 */
final class SupervisedProcess {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisedProcess.class);
    private static final long POLL_MILLIS = 100;

    /**
     * How the process ended.
     *
     * @param status   {@link Status#SUCCEEDED} for exit code 0, {@link Status#FAILED} for another exit code,
     *                 {@link Status#TIMED_OUT}, {@link Status#SILENT_TOO_LONG} or {@link Status#LOG_LIMIT} when it
     *                 was killed
     * @param exitCode the exit code, or -1 when it was killed
     */
    record Outcome(Status status, int exitCode) {
    }

    private SupervisedProcess() {
    }

    /** {@link #run(ProcessBuilder, OutputStream, Duration, Duration, long)} without a log size limit. */
    static Outcome run(ProcessBuilder builder, OutputStream log, Duration timeout, Duration maxSilent)
            throws IOException, InterruptedException {
        return run(builder, log, timeout, maxSilent, 0);
    }

    /**
     * @param builder     the process, not yet started; its output is redirected here
     * @param log         where its output goes
     * @param timeout     the longest it may run, zero for no limit
     * @param maxSilent   the longest it may stay silent, zero for no limit
     * @param maxLogBytes the most bytes it may write, 0 for no limit: the log is cut there and ends with a line that
     *                    says so
     * @return how it ended
     * @throws IOException          if it cannot start
     * @throws InterruptedException if the thread was interrupted; the process tree is killed first
     */
    static Outcome run(ProcessBuilder builder, OutputStream log, Duration timeout, Duration maxSilent,
            long maxLogBytes) throws IOException, InterruptedException {
        builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long start = System.nanoTime();
        AtomicLong lastOutput = new AtomicLong(start);
        AtomicBoolean logFull = new AtomicBoolean();
        Process process = builder.start();
        Thread copier = Thread.ofVirtual().name("build-log-" + process.pid())
                .start(() -> copy(process, log, lastOutput, maxLogBytes, logFull));
        try {
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (logFull.get()) {
                    killTree(process);
                    finishCopy(process, copier);
                    return new Outcome(Status.LOG_LIMIT, -1);
                }
                if (!timeout.isZero() && now - start > timeout.toNanos()) {
                    killTree(process);
                    finishCopy(process, copier);
                    return new Outcome(Status.TIMED_OUT, -1);
                }
                if (!maxSilent.isZero() && now - lastOutput.get() > maxSilent.toNanos()) {
                    killTree(process);
                    finishCopy(process, copier);
                    return new Outcome(Status.SILENT_TOO_LONG, -1);
                }
            }
            finishCopy(process, copier);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (logFull.get()) {
            return new Outcome(Status.LOG_LIMIT, -1);
        }
        int exitCode = process.exitValue();
        return new Outcome(exitCode == 0 ? Status.SUCCEEDED : Status.FAILED, exitCode);
    }

    /** Copies the output to the log, up to {@code maxLogBytes}; past it, ends the log with a line and stops. */
    private static void copy(Process process, OutputStream log, AtomicLong lastOutput, long maxLogBytes,
            AtomicBoolean logFull) {
        byte[] buffer = new byte[16384];
        long written = 0;
        try (InputStream in = process.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                lastOutput.set(System.nanoTime());
                if (maxLogBytes > 0 && written + read > maxLogBytes) {
                    log.write(buffer, 0, (int) (maxLogBytes - written));
                    log.write(("\n[kiln: the log reached its limit of " + maxLogBytes
                            + " bytes; the build was stopped]\n").getBytes(StandardCharsets.UTF_8));
                    logFull.set(true);
                    return;
                }
                written += read;
                log.write(buffer, 0, read);
            }
        } catch (IOException e) {
            LOG.warn("Lost the log of process {}: {}", process.pid(), e.toString());
        }
    }

    /** Waits for the log's end; a background process that kept the output open is not waited for long. */
    private static void finishCopy(Process process, Thread copier) throws InterruptedException {
        if (!copier.join(Duration.ofSeconds(5))) {
            try {
                process.getInputStream().close();
            } catch (IOException e) {
                LOG.debug("Closing the output of process {} failed", process.pid(), e);
            }
            copier.join(Duration.ofSeconds(5));
        }
    }

    /** Kills the descendants first, so that none is re-parented and survives. */
    private static void killTree(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
