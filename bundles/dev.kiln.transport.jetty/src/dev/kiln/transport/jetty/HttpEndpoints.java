package dev.kiln.transport.jetty;

import java.net.URI;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered as a service once the coordinator's HTTP server accepts connections on both ports.
 * Its URIs carry the ports actually bound, so a server configured with port 0 tells where it listens.
 */
@ProviderType
public interface HttpEndpoints {

    /** The base URI of the client API, for operators, the command line and the desktop client. */
    URI clientApi();

    /** The base URI of the agent API. */
    URI agentApi();
}
