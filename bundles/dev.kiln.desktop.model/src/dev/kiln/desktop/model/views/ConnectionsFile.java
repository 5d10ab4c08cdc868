package dev.kiln.desktop.model.views;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The coordinators remembered between runs, in a properties file readable by its owner only (it holds tokens):
 * {@code connection.N.url} and {@code connection.N.token}, most recent first.
 */
public final class ConnectionsFile {

    /** Connections kept; older ones are forgotten. */
    static final int MAX_CONNECTIONS = 20;

    private final Path file;

    public ConnectionsFile(Path file) {
        this.file = file;
    }

    /** {@code ~/.config/kiln/connections.properties}, or under {@code $XDG_CONFIG_HOME} when set. */
    public static ConnectionsFile inUserConfig() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".config") : Path.of(xdg);
        return new ConnectionsFile(config.resolve("kiln").resolve("connections.properties"));
    }

    public Path path() {
        return file;
    }

    /** The remembered connections, most recent first; none when the file is missing. */
    public List<SavedConnection> load() throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        List<SavedConnection> connections = new ArrayList<>();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            String url = properties.getProperty("connection." + i + ".url");
            if (url == null) {
                break;
            }
            try {
                connections.add(new SavedConnection(URI.create(url), properties.getProperty("connection." + i + ".token")));
            } catch (IllegalArgumentException e) {
                // A hand-edited line that is not a URL: skip it rather than forget every other connection.
                continue;
            }
        }
        return connections;
    }

    /** Puts {@code used} first, replacing an older entry for the same coordinator, and writes the file. */
    public List<SavedConnection> remember(SavedConnection used) throws IOException {
        List<SavedConnection> connections = new ArrayList<>();
        connections.add(used);
        for (SavedConnection known : load()) {
            if (!known.coordinator().equals(used.coordinator()) && connections.size() < MAX_CONNECTIONS) {
                connections.add(known);
            }
        }
        write(connections);
        return connections;
    }

    /** Forgets the connection to {@code coordinator}. */
    public List<SavedConnection> forget(URI coordinator) throws IOException {
        List<SavedConnection> connections = new ArrayList<>(load());
        connections.removeIf(known -> known.coordinator().equals(coordinator));
        write(connections);
        return connections;
    }

    private void write(List<SavedConnection> connections) throws IOException {
        Properties properties = new Properties();
        for (int i = 0; i < connections.size(); i++) {
            properties.setProperty("connection." + i + ".url", connections.get(i).coordinator().toString());
            properties.setProperty("connection." + i + ".token", connections.get(i).token());
        }
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        // Created readable by the owner only before any token is written into it.
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(writer, "Kiln desktop: coordinators and their tokens");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
