package dev.kiln.ci.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a jobset's evaluation command and hands each derivation path it prints to a consumer at once, while the
 * command still runs, within its budget of time and memory. Everything it prints goes to the evaluation's log.
 */
final class EvaluationProcess {

    /** What evaluators print when memory runs out: Nix, the Boehm collector, C++, Python, the C library. */
    private static final List<String> OUT_OF_MEMORY = List.of("out of memory", "Out of Memory", "bad_alloc",
            "MemoryError", "Cannot allocate memory", "memory exhausted");
    private static final int LOG_TAIL_BYTES = 64 * 1024;

    private final String command;
    private final Path directory;
    private final Map<String, String> environment;
    private final EvaluationBudget budget;

    EvaluationProcess(String command, Path directory, Map<String, String> environment, EvaluationBudget budget) {
        this.command = command;
        this.directory = directory;
        this.environment = Map.copyOf(environment);
        this.budget = budget;
    }

    /**
     * Runs the command to its end.
     *
     * @param log         where stdout and stderr are appended
     * @param derivations called with each line of stdout that ends in {@code .drv}, on this thread
     * @throws EvaluationFailedException when it exits with another code than 0 or runs past the timeout
     */
    void run(Path log, Consumer<String> derivations) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(budget.limitsMemory()
                ? List.of("/bin/sh", "-c", "ulimit -v " + budget.memoryBytes() / 1024 + " && exec /bin/sh -c \"$1\"",
                        "kiln-evaluation", command)
                : List.of("/bin/sh", "-c", command))
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
            if (timedOut.get()) {
                throw new EvaluationFailedException("the evaluation ran past its time limit of "
                        + budget.time().toSeconds() + " s and was stopped");
            }
            if (budget.limitsMemory() && ranOutOfMemory(log)) {
                throw new EvaluationFailedException("the evaluation ran out of its memory limit of "
                        + budget.memoryMiB() + " MiB (exit " + exit + ")");
            }
            throw new EvaluationFailedException("the evaluation command exited with " + exit);
        }
    }

    private void killAfterTimeout(Process process, AtomicBoolean timedOut) {
        try {
            if (!process.waitFor(budget.time().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut.set(true);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the end of the log says memory ran out. */
    private static boolean ranOutOfMemory(Path log) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] tail = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(tail);
            String text = new String(tail, StandardCharsets.UTF_8);
            return OUT_OF_MEMORY.stream().anyMatch(text::contains);
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
