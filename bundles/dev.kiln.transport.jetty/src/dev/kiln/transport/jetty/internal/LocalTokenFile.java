package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.client.LocalToken;

/**
 * The coordinator's side of {@link LocalToken}: the token of this run written where its own user's commands look for
 * it, in a directory only that user may enter and a file only that user may read, and deleted at stop.
 */
final class LocalTokenFile {

    private static final Logger LOG = LoggerFactory.getLogger(LocalTokenFile.class);

    private final Path file;
    private final String token;

    private LocalTokenFile(Path file, String token) {
        this.file = file;
        this.token = token;
    }

    /** Writes the token for a client API on {@code port}; a failure is logged, and only local commands suffer. */
    static LocalTokenFile write(int port, String token) {
        Path file = LocalToken.file(port);
        try {
            Path portDirectory = file.getParent();
            Files.createDirectories(portDirectory);
            for (Path directory : new Path[] {portDirectory.getParent(), portDirectory}) {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
            Path written = Files.createTempFile(portDirectory, ".client-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(written, token + "\n", StandardCharsets.US_ASCII);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Commands of this user on this machine find a client token in {}", file);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Cannot leave a client token for this user's commands in {} ({}): they need --token or KILN_TOKEN"
                    + " to change the farm", file, e.toString());
        }
        return new LocalTokenFile(file, token);
    }

    /** Deletes the file, unless another coordinator on the same port has replaced it since. */
    void delete() {
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).strip().equals(token)) {
                Files.delete(file);
                Files.deleteIfExists(file.getParent());
            }
        } catch (IOException e) {
            LOG.debug("The local client token {} was already gone", file, e);
        }
    }
}
