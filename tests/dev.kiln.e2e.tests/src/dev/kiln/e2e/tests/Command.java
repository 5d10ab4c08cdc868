package dev.kiln.e2e.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program to its end, within a time limit, and keeps what it printed. */
record Command(int exitCode, String out, String err) {

    static Command run(Path workDirectory, Map<String, String> environment, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDirectory, "out", ".txt");
        Path err = Files.createTempFile(workDirectory, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                    + " s; it printed:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** @return standard output, when the program succeeded */
    String succeeded(List<String> command) throws IOException {
        if (exitCode != 0) {
            throw new IOException(String.join(" ", command) + " failed with " + exitCode + ":\n" + err + out);
        }
        return out;
    }
}
