package dev.kiln.hooks.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Replaces files so that a crash leaves either the old content or the new one, never a part. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to a hidden temporary file beside {@code target}, forces it to disk and renames it over
     * {@code target}. The temporary name starts with a dot, so the hooks directory scan ignores it.
     */
    static void write(Path target, InputStream content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                content.transferTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static void write(Path target, byte[] content) throws IOException {
        write(target, new ByteArrayInputStream(content));
    }
}
