package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A product process started by a test, with its combined output in a log file. Closing it kills what is left. */
final class RunningProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    RunningProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The command lines of the process and of the processes it started, as the kernel shows them. */
    List<String> commandLines() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .map(handle -> handle.info().commandLine().orElse(""))
                .toList();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the condition holds, failing with the process's output when it does not within the timeout. */
    void awaitUntil(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " within " + timeout.toSeconds() + " s; output:\n" + output());
            }
            if (!process.isAlive() && !condition.getAsBoolean()) {
                fail(what + ", but the process exited with " + process.exitValue() + "; output:\n" + output());
            }
            Thread.sleep(100);
        }
    }

    /** Sends SIGTERM and returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS),
                "the process exits within " + timeout.toSeconds() + " s; output:\n" + output());
        return process.exitValue();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
