package dev.kiln.hooks.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The file where an earlier Kiln kept the cursor of one event type's queue, before cursors moved to the datastore.
 * Read once, when the datastore has no cursor for the queue yet, and deleted once the datastore has one.
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

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
