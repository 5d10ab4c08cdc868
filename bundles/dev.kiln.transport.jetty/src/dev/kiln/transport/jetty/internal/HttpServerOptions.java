package dev.kiln.transport.jetty.internal;

import java.nio.file.Path;
import java.util.Optional;

import dev.kiln.transport.jetty.ListenAddress;

/** The HTTP server's configuration, parsed once. */
record HttpServerOptions(ListenAddress clientListen, ListenAddress agentListen, Path stateDir, long maxJsonBytes,
        Optional<Path> clientKeystore, Optional<Path> agentKeystore, String keystorePassword, boolean tokenForReads, int idleTimeoutSeconds, int maxConnections) {

    /** Whether a read of the client API needs a token: always beyond loopback, on loopback when configured. */
    boolean readsNeedToken() {
        return tokenForReads || !clientListen.isLoopback();
    }

    static HttpServerOptions from(HttpServerConfiguration configuration) {
        String state = configuration.state_dir();
        if (state == null || state.isBlank()) {
            throw new IllegalArgumentException("state.dir is not configured");
        }
        if (configuration.max_json_bytes() < 1024) {
            throw new IllegalArgumentException("max.json.bytes must be at least 1024: " + configuration.max_json_bytes());
        }
        if (configuration.idle_timeout_seconds() < 1) {
            throw new IllegalArgumentException("idle.timeout.seconds must be at least 1: " + configuration.idle_timeout_seconds());
        }
        if (configuration.max_connections() < 16) {
            throw new IllegalArgumentException("max.connections must be at least 16: " + configuration.max_connections());
        }
        return new HttpServerOptions(
                ListenAddress.parse(configuration.client_listen()),
                ListenAddress.parse(configuration.agent_listen()),
                Path.of(state).toAbsolutePath(),
                configuration.max_json_bytes(),
                keystore(configuration.client_tls_keystore()),
                keystore(configuration.agent_tls_keystore()),
                configuration.tls_keystore_password(),
                configuration.client_token_for_reads(),
                configuration.idle_timeout_seconds(),
                configuration.max_connections());
    }

    private static Optional<Path> keystore(String path) {
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
    }
}
