package dev.kiln.transport.jetty.internal;

import dev.kiln.transport.jetty.ListenAddress;

/** The HTTP server's configuration, parsed once. */
record HttpServerOptions(ListenAddress clientListen, ListenAddress agentListen) {

    static HttpServerOptions from(HttpServerConfiguration configuration) {
        return new HttpServerOptions(
                ListenAddress.parse(configuration.client_listen()),
                ListenAddress.parse(configuration.agent_listen()));
    }
}
