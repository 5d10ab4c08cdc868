package dev.kiln.cli.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;

import dev.kiln.client.KilnClient;
import dev.kiln.client.TrustedCertificates;
import picocli.CommandLine.Option;

/**
 * Where the coordinator is and how to authenticate: {@code --coordinator} or {@code KILN_COORDINATOR}; a token from
 * {@code --token}, {@code KILN_TOKEN}, or {@code <state-dir>/client-token} when {@code --state-dir} is given, else the
 * one a coordinator on this machine left for this user ({@link dev.kiln.client.LocalToken}); the certificates an {@code https://} coordinator is trusted by from {@code --cacert} or {@code KILN_CACERT}.
 */
final class ClientOptions {

    static final String DEFAULT_COORDINATOR = "http://127.0.0.1:8746";

    @Option(names = "--coordinator", paramLabel = "URL",
            description = "The coordinator's client API (default: $KILN_COORDINATOR or " + DEFAULT_COORDINATOR + ").")
    String coordinator;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A client token (default: $KILN_TOKEN, else the one a coordinator on this machine left for"
                    + " this user).")
    String token;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "A coordinator's state directory whose client-token file is used when no token is given.")
    Path stateDir;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust the certificates of this PEM file for an https:// coordinator (default: $KILN_CACERT,"
                    + " else the JVM's trust store).")
    Path caCertificates;

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Draw no progress bars.")
    boolean quiet;

    KilnClient client() {
        String url = coordinator != null ? coordinator : System.getenv().getOrDefault("KILN_COORDINATOR", DEFAULT_COORDINATOR);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("--coordinator: '" + url + "' is not a URL");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new CommandFailedException("--coordinator: '" + url + "' is not an http:// or https:// URL");
        }
        return new KilnClient(uri, token(), tls());
    }

    private SSLContext tls() {
        Path file = caCertificates;
        String fromEnvironment = System.getenv("KILN_CACERT");
        if (file == null && fromEnvironment != null && !fromEnvironment.isBlank()) {
            file = Path.of(fromEnvironment.strip());
        }
        if (file == null) {
            return null;
        }
        try {
            return TrustedCertificates.sslContext(file);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read the certificates " + file + ": " + e.getMessage());
        }
    }

    private String token() {
        if (token != null) {
            return token;
        }
        String fromEnvironment = System.getenv("KILN_TOKEN");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        if (stateDir != null) {
            Path file = stateDir.resolve("client-token");
            try {
                return Files.readString(file).strip();
            } catch (NoSuchFileException e) {
                throw new CommandFailedException(Files.isDirectory(stateDir) ? "no client token in " + stateDir
                        + ": is it the coordinator's state directory, started once?" : "--state-dir " + stateDir
                        + " is no directory: give the coordinator's state directory, or a token with --token");
            } catch (IOException e) {
                throw new CommandFailedException("cannot read the client token " + file + ": " + e.getMessage());
            }
        }
        return null;
    }
}
