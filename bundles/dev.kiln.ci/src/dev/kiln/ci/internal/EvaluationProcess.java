package dev.kiln.ci.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a jobset's evaluation command and hands each derivation path it prints to a consumer at once, while the
 * command still runs. Everything it prints goes to the evaluation's log.
 */
final class EvaluationProcess {

    private final String command;
    private final Path directory;
    private final Map<String, String> environment;
    private final Duration timeout;

    EvaluationProcess(String command, Path directory, Map<String, String> environment, Duration timeout) {
        this.command = command;
        this.directory = directory;
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    /**
     * Runs the command to its end.
     *
     * @param log         where stdout and stderr are appended
     * @param derivations called with each line of stdout that ends in {@code .drv}, on this thread
     * @throws EvaluationFailedException when it exits with another code than 0 or runs past the timeout
     */
    void run(Path log, Consumer<String> derivations) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().start(() -> killAfterTimeout(process, timedOut));
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                OutputStream logOut = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = stdout.readLine()) != null) {
                logOut.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                logOut.flush();
                String path = line.strip();
                if (path.startsWith("/") && path.endsWith(".drv")) {
                    derivations.accept(path);
                }
            }
        } finally {
            watchdog.interrupt();
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new EvaluationFailedException(timedOut.get()
                    ? "the evaluation ran past its timeout of " + timeout.toSeconds() + " s"
                    : "the evaluation command exited with " + exit);
        }
    }

    private void killAfterTimeout(Process process, AtomicBoolean timedOut) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut.set(true);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The evaluation command failed. */
    static final class EvaluationFailedException extends IOException {

        private static final long serialVersionUID = 1L;

        EvaluationFailedException(String message) {
            super(message);
        }
    }
}
