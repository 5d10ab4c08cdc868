package dev.kiln.hooks.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Where the queue of one event type stands: every event of that type up to this id was handled by every hook. One
 * file per event type, so that each queue writes only its own.
 */
final class CursorFile {

    private final Path file;

    CursorFile(Path hooksStateDirectory, String eventTypeId) {
        this.file = hooksStateDirectory.resolve("cursor-" + eventTypeId);
    }

    OptionalLong read() throws IOException {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (NumberFormatException e) {
            throw new IOException("unreadable cursor file " + file + ": " + e.getMessage(), e);
        }
    }

    void write(long eventId) throws IOException {
        AtomicFiles.write(file, (eventId + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
