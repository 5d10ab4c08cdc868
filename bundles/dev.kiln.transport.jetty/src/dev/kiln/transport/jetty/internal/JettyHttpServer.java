package dev.kiln.transport.jetty.internal;

import java.net.URI;
import java.util.Hashtable;
import java.util.concurrent.Executors;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.transport.jetty.HttpEndpoints;
import dev.kiln.transport.jetty.ListenAddress;

/**
 * The coordinator's HTTP server: one Jetty server with a connector for the client API and one for the agent API.
 * It starts when configured and publishes {@link HttpEndpoints} once both ports accept connections.
 */
@Component(configurationPid = HttpServerConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HttpServerConfiguration.class)
public final class JettyHttpServer {

    static final String CLIENT_CONNECTOR = "client";
    static final String AGENT_CONNECTOR = "agent";

    private static final Logger LOG = LoggerFactory.getLogger(JettyHttpServer.class);

    private final Server server;
    private final ServiceRegistration<HttpEndpoints> registration;

    @Activate
    public JettyHttpServer(BundleContext context, HttpServerConfiguration configuration) throws Exception {
        HttpServerOptions options = HttpServerOptions.from(configuration);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("kiln-http");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        ServerConnector client = connector(CLIENT_CONNECTOR, options.clientListen());
        ServerConnector agent = connector(AGENT_CONNECTOR, options.agentListen());
        server.addConnector(client);
        server.addConnector(agent);
        server.setHandler(new RootHandler());
        server.setStopTimeout(5_000);
        server.start();
        Endpoints endpoints = new Endpoints(uri(options.clientListen(), client), uri(options.agentListen(), agent));
        LOG.info("Client API listening on {}, agent API on {}", endpoints.clientApi(), endpoints.agentApi());
        registration = context.registerService(HttpEndpoints.class, endpoints, new Hashtable<>());
    }

    @Deactivate
    void stop() throws Exception {
        registration.unregister();
        server.stop();
    }

    private ServerConnector connector(String name, ListenAddress address) {
        ServerConnector connector = new ServerConnector(server);
        connector.setName(name);
        connector.setHost(address.host());
        connector.setPort(address.port());
        return connector;
    }

    private static URI uri(ListenAddress configured, ServerConnector connector) {
        String host = configured.host().equals("0.0.0.0") || configured.host().equals("::")
                ? "127.0.0.1" : configured.host();
        return URI.create("http://" + new ListenAddress(host, connector.getLocalPort()));
    }

    private record Endpoints(URI clientApi, URI agentApi) implements HttpEndpoints {
    }
}
