package dev.kiln.client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a coordinator leaves a client token for the programs of its own user on its own machine, so that a local
 * operator's {@code kiln} and {@code kiln-desktop} change the farm without being given a token: the file
 * {@code $XDG_RUNTIME_DIR/kiln/<client port>/client-token}, or {@code ~/.local/state/kiln/<client port>/client-token}
 * where there is no runtime directory, in a directory only that user may enter, readable only by that user. The
 * coordinator writes a new token there each time it starts and deletes it when it stops. Thread-safe; no state.
 */
public final class LocalToken {

    static final String FILE_NAME = "client-token";

    private LocalToken() {
    }

    /** The file a coordinator whose client API listens on {@code port} keeps its local token in, for this user. */
    public static Path file(int port) {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        Path base = runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))
                ? Path.of(runtime, "kiln")
                : Path.of(System.getProperty("user.home"), ".local", "state", "kiln");
        return base.resolve(Integer.toString(port)).resolve(FILE_NAME);
    }

    /**
     * The token a coordinator on this machine left for this user, when {@code coordinator} is a loopback address and
     * the file is there and readable; empty otherwise.
     */
    public static Optional<String> find(URI coordinator) {
        String host = coordinator.getHost();
        if (host == null || !isLoopback(host)) {
            return Optional.empty();
        }
        int port = coordinator.getPort() >= 0 ? coordinator.getPort()
                : "https".equalsIgnoreCase(coordinator.getScheme()) ? 443 : 80;
        try {
            String token = Files.readString(file(port), StandardCharsets.US_ASCII).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") || bare.startsWith("127.") || bare.equals("::1")
                || bare.equals("0:0:0:0:0:0:0:1");
    }
}
