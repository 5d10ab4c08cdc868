package dev.kiln.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.kiln.agent.internal.CoordinatorConnection.AllocatedBuild;

/**
 * The builds this agent holds, on disk, so that after a crash it knows what to reconcile with the coordinator: a
 * journal to which a line is appended when a build is fetched and one when its result is reported or it is handed
 * back. Appending to one file costs far less than making and deleting a file for each build (each new file costs the
 * file system an inode). Each line is written whole by one write; a line cut off by a crash is the last one and is
 * ignored. The journal is rewritten with only the builds still held when it is opened and once it has many lines of
 * builds released. Thread-safe.
 */
final class HeldBuilds {

    /** Lines of released builds after which the journal is rewritten. */
    static final int REWRITE_AFTER = 1000;
    private static final String HOLD = "+ ";
    private static final String RELEASE = "- ";

    private final Path directory;
    private final Path journal;
    private final Map<UUID, AllocatedBuild> held = new LinkedHashMap<>();
    private int releasedLines;

    HeldBuilds(Path stateDirectory) throws IOException {
        this.directory = Files.createDirectories(stateDirectory.resolve("held"));
        this.journal = directory.resolve("journal");
        synchronized (this) {
            read();
            readFilesPerBuild();
            rewrite();
        }
    }

    synchronized void hold(AllocatedBuild build) throws IOException {
        append(holdLine(build));
        held.put(build.id(), build);
    }

    private static String holdLine(AllocatedBuild build) {
        String record = build.drvPath() + "\n" + build.system() + "\n" + build.derivationText();
        return HOLD + build.id() + " " + Base64.getEncoder().encodeToString(record.getBytes(StandardCharsets.UTF_8))
                + "\n";
    }

    synchronized void release(UUID build) throws IOException {
        if (held.remove(build) == null) {
            return;
        }
        append(RELEASE + build + "\n");
        releasedLines++;
        if (releasedLines >= REWRITE_AFTER) {
            rewrite();
        }
    }

    /** @return the builds held, those held when the agent last stopped first */
    synchronized List<AllocatedBuild> held() {
        return List.copyOf(held.values());
    }

    private void append(String line) throws IOException {
        Files.write(journal, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private void read() throws IOException {
        String text;
        try {
            text = Files.readString(journal, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            String line = text.substring(start, end);
            if (line.startsWith(RELEASE)) {
                held.remove(UUID.fromString(line.substring(RELEASE.length())));
            } else if (line.startsWith(HOLD)) {
                int space = line.indexOf(' ', HOLD.length());
                UUID id = UUID.fromString(line.substring(HOLD.length(), space));
                String record = new String(Base64.getDecoder().decode(line.substring(space + 1)), StandardCharsets.UTF_8);
                held.put(id, parse(id, record));
            }
        }
    }

    /** Takes up the builds an agent that kept a file for each held build held when it stopped. */
    private void readFilesPerBuild() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*-*-*-*-*")) {
            for (Path file : files) {
                UUID id = UUID.fromString(file.getFileName().toString());
                held.putIfAbsent(id, parse(id, Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
    }

    private static AllocatedBuild parse(UUID id, String record) {
        int first = record.indexOf('\n');
        int second = record.indexOf('\n', first + 1);
        return new AllocatedBuild(id, record.substring(0, first), record.substring(second + 1),
                record.substring(first + 1, second));
    }

    /** Replaces the journal by one that holds only the builds held, then deletes the files of an older agent. */
    private void rewrite() throws IOException {
        StringBuilder lines = new StringBuilder();
        held.values().forEach(build -> lines.append(holdLine(build)));
        Path temporary = directory.resolve("journal.tmp");
        Files.writeString(temporary, lines, StandardCharsets.UTF_8);
        Files.move(temporary, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        releasedLines = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*-*-*-*-*")) {
            for (Path file : files) {
                Files.delete(file);
            }
        }
    }
}
