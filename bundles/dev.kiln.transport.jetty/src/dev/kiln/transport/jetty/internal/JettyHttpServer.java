package dev.kiln.transport.jetty.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentService;
import dev.kiln.api.AllocationPlanService;
import dev.kiln.api.BuildGraphService;
import dev.kiln.api.BuildService;
import dev.kiln.api.DerivationService;
import dev.kiln.api.EventService;
import dev.kiln.api.EventSubscription;
import dev.kiln.cache.BinaryCache;
import dev.kiln.cache.BuildLogs;
import dev.kiln.cache.CacheRetention;
import dev.kiln.ci.JobsetService;
import dev.kiln.hooks.api.admin.HookAdmin;
import dev.kiln.transport.jetty.HttpEndpoints;
import dev.kiln.transport.jetty.ListenAddress;

/**
 * The coordinator's HTTP server: one Jetty server with a connector for the client API and one for the agent API.
 * It starts when configured and when every coordinator service it serves is up, and publishes {@link HttpEndpoints}
 * once both ports accept connections: a 200 from {@code /healthz} means the coordinator is ready.
 */
@Component(configurationPid = HttpServerConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HttpServerConfiguration.class)
public final class JettyHttpServer {

    static final String CLIENT_CONNECTOR = "client";
    static final String AGENT_CONNECTOR = "agent";

    private static final Logger LOG = LoggerFactory.getLogger(JettyHttpServer.class);

    private final Server server;
    private final LocalTokenFile localToken;
    private final ServiceRegistration<HttpEndpoints> registration;
    private final EventSubscription finishedBuilds;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HookAdmin hooks;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobsetService jobsets;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile CacheRetention retention;

    @Activate
    public JettyHttpServer(BundleContext context, HttpServerConfiguration configuration,
            @Reference BuildService builds, @Reference BuildGraphService graphs,
            @Reference AgentBuildService agentBuilds, @Reference AgentService agents,
            @Reference DerivationService derivations, @Reference AllocationPlanService plans,
            @Reference EventService events, @Reference BinaryCache cache, @Reference BuildLogs logs)
            throws Exception {
        HttpServerOptions options = HttpServerOptions.from(configuration);
        Services services = new Services(builds, graphs, agentBuilds, agents, derivations, plans, events, cache, logs);
        Metrics metrics = new Metrics();
        finishedBuilds = events.subscribe(metrics::committed);
        ClientTokens tokens = new ClientTokens(options.stateDir(), Clock.systemUTC());
        Extensions extensions = new Extensions(() -> hooks, () -> jobsets, () -> retention);
        JobsetRoutes jobsetRoutes = new JobsetRoutes(extensions, options.maxJsonBytes());
        RootHandler handler = new RootHandler(services,
                new ClientApi(services, extensions, tokens, options.maxJsonBytes(),
                        new HookRoutes(extensions, options.maxJsonBytes()), jobsetRoutes),
                new AgentApi(services, metrics, options.maxJsonBytes()),
                new CacheRoutes(services, extensions, metrics), jobsetRoutes, extensions, tokens, metrics,
                options.readsNeedToken());

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("kiln-http");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        ServerConnector client = connector(CLIENT_CONNECTOR, options.clientListen(), options.clientKeystore(), options);
        ServerConnector agent = connector(AGENT_CONNECTOR, options.agentListen(), options.agentKeystore(), options);
        server.addConnector(client);
        server.addConnector(agent);
        for (ServerConnector connector : new ServerConnector[] {client, agent}) {
            NetworkConnectionLimit limit = new NetworkConnectionLimit(options.maxConnections(), connector);
            // At the limit silent connections are closed sooner, so that one client's hoard does not hold the port.
            limit.setEndPointIdleTimeout(TimeUnit.SECONDS.toMillis(Math.min(5, options.idleTimeoutSeconds())));
            server.addBean(limit);
        }
        Set<String> tlsConnectors = new HashSet<>();
        if (options.clientKeystore().isPresent()) {
            tlsConnectors.add(CLIENT_CONNECTOR);
        }
        if (options.agentKeystore().isPresent()) {
            tlsConnectors.add(AGENT_CONNECTOR);
        }
        server.setHandler(new PlainHttpRefused(handler, tlsConnectors));
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(5_000);
        server.start();
        localToken = LocalTokenFile.write(client.getLocalPort(), tokens.local());
        Endpoints endpoints = new Endpoints(uri(options.clientListen(), client, options.clientKeystore().isPresent()),
                uri(options.agentListen(), agent, options.agentKeystore().isPresent()));
        LOG.info("Client API listening on {}, agent API on {}", endpoints.clientApi(), endpoints.agentApi());
        registration = context.registerService(HttpEndpoints.class, endpoints, new Hashtable<>());
    }

    @Deactivate
    void stop() throws Exception {
        localToken.delete();
        registration.unregister();
        server.stop();
        finishedBuilds.close();
    }

    private ServerConnector connector(String name, ListenAddress address, Optional<Path> keystore,
            HttpServerOptions options) {
        ServerConnector connector;
        if (keystore.isPresent()) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keystore.get().toString());
            tls.setKeyStorePassword(options.keystorePassword());
            tls.setKeyStoreType("PKCS12");
            HttpConnectionFactory http = new HttpConnectionFactory(httpConfiguration());
            // Plain HTTP is told apart from TLS only to be answered, by PlainHttpRefused, that this port speaks TLS.
            connector = new ServerConnector(server,
                    new DetectorConnectionFactory(new SslConnectionFactory(tls, http.getProtocol())), http);
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
        }
        connector.setName(name);
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(options.idleTimeoutSeconds()));
        connector.setHost(address.host());
        connector.setPort(address.port());
        return connector;
    }

    /**
     * Jetty's defaults, but for the buffer that reads from the network: 64 KiB instead of 8, so that an upload of a
     * gigabyte comes in 16,000 reads rather than 130,000, each a wake-up of the thread that writes it to disk (a 1 GiB
     * NAR went in at 400 to 460 MB/s, now 550 to 650 MB/s here). 64 KiB is the largest buffer Jetty's pool keeps: 256
     * KiB uploaded faster still, but every read then allocated a buffer of its own (a third more resident memory).
     */
    private static HttpConfiguration httpConfiguration() {
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.setInputBufferSize(64 * 1024);
        return configuration;
    }

    private static URI uri(ListenAddress configured, ServerConnector connector, boolean tls) {
        String host = configured.host().equals("0.0.0.0") || configured.host().equals("::")
                ? "127.0.0.1" : configured.host();
        return URI.create((tls ? "https://" : "http://") + new ListenAddress(host, connector.getLocalPort()));
    }

    private record Endpoints(URI clientApi, URI agentApi) implements HttpEndpoints {
    }

    /**
     * Answers a plain HTTP request on a TLS port with a 400 that says to use https, instead of a connection that just
     * closes; it is never served.
     */
    private static final class PlainHttpRefused extends Handler.Wrapper {

        private final Set<String> tlsConnectors;

        PlainHttpRefused(Handler handler, Set<String> tlsConnectors) {
            super(handler);
            this.tlsConnectors = Set.copyOf(tlsConnectors);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (request.isSecure() || !tlsConnectors.contains(request.getConnectionMetaData().getConnector().getName())) {
                return super.handle(request, response, callback);
            }
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            new Exchange(request, response).error(HttpFailure.badRequest("this port speaks TLS: use https://"
                    + Request.getServerName(request) + ":" + Request.getServerPort(request)));
            callback.succeeded();
            return true;
        }
    }
}
