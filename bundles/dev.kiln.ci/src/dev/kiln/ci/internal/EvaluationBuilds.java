package dev.kiln.ci.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The derivations an evaluation found and the build of each (created by it or found existing), one line each in
 * {@code <id>.builds}, appended as they are submitted.
 */
final class EvaluationBuilds implements AutoCloseable {

    record Entry(String derivation, UUID build) {
    }

    private final BufferedWriter writer;

    private EvaluationBuilds(BufferedWriter writer) {
        this.writer = writer;
    }

    static EvaluationBuilds append(Path file) throws IOException {
        return new EvaluationBuilds(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    void add(String derivation, UUID build) throws IOException {
        writer.write(derivation + "\t" + build + "\n");
        writer.flush();
    }

    static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                entries.add(new Entry(line.substring(0, tab), UUID.fromString(line.substring(tab + 1))));
            }
        }
        return entries;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
