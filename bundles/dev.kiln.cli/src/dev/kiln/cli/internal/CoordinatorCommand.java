package dev.kiln.cli.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.BuildLimits;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.RetentionPolicy;
import dev.kiln.store.narinfo.NixSecretKey;
import dev.kiln.store.tools.SigningKeys;
import dev.kiln.transport.jetty.HttpEndpoints;
import dev.kiln.transport.jetty.ListenAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln coordinator}: configures the coordinator's components through Configuration Admin, waits until the
 * HTTP endpoints are up, then serves until the process is asked to stop.
 */
@Command(name = "coordinator", mixinStandardHelpOptions = true, description = CoordinatorCommand.DESCRIPTION)
final class CoordinatorCommand implements java.util.concurrent.Callable<Integer> {

    static final String DESCRIPTION = "Run the coordinator: the client API, the agent API and the binary cache.";

    static final String HTTP_PID = "dev.kiln.transport.jetty";
    static final String DATASTORE_PID = "dev.kiln.datastore";
    static final String COORDINATOR_PID = "dev.kiln.coordinator";
    static final String CACHE_PID = "dev.kiln.cache";
    static final String HOOKS_PID = "dev.kiln.hooks";
    static final String JOBSETS_PID = "dev.kiln.ci";

    private static final long SHUTDOWN_TIMEOUT_SECONDS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorCommand.class);

    private final BundleContext bundles;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Held while the coordinator runs; the operating system lets it go when the process ends. */
    private FileLock stateLock;

    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the database, outputs, logs, hooks and keys are kept (default: ${DEFAULT-VALUE}).")
    Path stateDir = defaultStateDir();

    @Option(names = "--client-listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8746",
            description = "Where the client API listens (default: ${DEFAULT-VALUE}).")
    String clientListen;

    @Option(names = "--agent-listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8745",
            description = "Where the agent API listens (default: ${DEFAULT-VALUE}).")
    String agentListen;

    @Option(names = "--client-tls-keystore", paramLabel = "FILE",
            description = "A PKCS12 keystore with the key and certificate the client API speaks TLS (https) with.")
    Path clientKeystore;

    @Option(names = "--agent-tls-keystore", paramLabel = "FILE",
            description = "A PKCS12 keystore with the key and certificate the agent API speaks TLS (https) with.")
    Path agentKeystore;

    @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
            description = "A file whose first line is the keystores' password (default: $KILN_TLS_KEYSTORE_PASSWORD).")
    Path keystorePasswordFile;

    @Option(names = "--token-for-reads",
            description = "Ask for a client token for reads of the client API too (changes always need one).")
    boolean tokenForReads;

    @Option(names = "--store-dir", paramLabel = "DIR", defaultValue = "/nix/store",
            description = "The store directory of the binary cache, such as /nix/store or /gnu/store (default: ${DEFAULT-VALUE}).")
    String storeDir;

    @Option(names = "--cache-store", paramLabel = "URL",
            description = "Where NARs and finished builds' logs are kept: a directory, or S3-compatible storage as "
                    + "s3://BUCKET/PREFIX?endpoint=URL&region=R with the credentials of AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY or of the AWS credentials file (default: the state directory).")
    String cacheStore = "";

    @Option(names = "--key-name", paramLabel = "NAME",
            description = "The name of the binary cache's signing key, made at the first start (default: the host "
                    + "name and -1, as cache.nixos.org-1). A state directory keeps its key: kiln cache rotate-key "
                    + "makes a new one.")
    String keyName;

    @Option(names = "--keep-evaluations", paramLabel = "N",
            description = "Retention: keep what the latest N evaluations of each jobset built, with its closure.")
    Integer keepEvaluations;

    @Option(names = "--keep-days", paramLabel = "D",
            description = "Retention: keep what was stored within the last D days, with its closure.")
    Integer keepDays;

    @Option(names = "--storage-limit", paramLabel = "SIZE",
            description = "Retention: keep the NARs under SIZE (bytes, or 500M, 2G...); of the paths no other rule "
                    + "keeps, the least recently served go first. Builds tagged keep=... and what pending builds need "
                    + "are always kept. Without any retention option every path is kept for ever.")
    String storageLimit;

    @Option(names = "--gc-interval", paramLabel = "SECONDS", defaultValue = "3600",
            description = "How often the garbage collector applies the retention options (default: ${DEFAULT-VALUE}); "
                    + "kiln gc runs it at once.")
    String gcInterval;

    @Option(names = "--keep-logs-days", paramLabel = "D", defaultValue = "0",
            description = "Delete finished builds' logs after D days; 0 for never (default: ${DEFAULT-VALUE}).")
    int keepLogsDays;

    @Option(names = "--keep-events-days", paramLabel = "D", defaultValue = "0",
            description = "Delete events after D days, once every hook has had them; 0 for never "
                    + "(default: ${DEFAULT-VALUE}).")
    int keepEventsDays;

    @Option(names = "--database", paramLabel = "JDBC-URL",
            description = "A PostgreSQL JDBC URL; by default an embedded Derby database in the state directory.")
    String database = "";

    @Option(names = "--database-connections", paramLabel = "N", defaultValue = "32",
            description = "The most connections held open to the database at once; requests beyond wait for one "
                    + "(default: ${DEFAULT-VALUE}; keep it under the server's max_connections).")
    int databaseConnections;

    @Option(names = "--allocation-strategy", paramLabel = "NAME", defaultValue = "basic",
            description = "basic or derivation-ordered (default: ${DEFAULT-VALUE}).")
    String allocationStrategy;

    @Option(names = "--retry-failed-builds", paramLabel = "N", defaultValue = "0",
            description = "Retry each failed build up to N times (default: ${DEFAULT-VALUE}).")
    int retryFailedBuilds;

    @Option(names = "--hook-command", paramLabel = "PROGRAM",
            description = "Run PROGRAM for every event, with the event as JSON on its standard input.")
    String hookCommand = "";

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "A file of secrets forges sign their webhooks with, one a line; repeatable.")
    List<Path> webhookSecretFiles = new ArrayList<>();

    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8746",
            description = "The client API as the forges' users reach it, for the links of commit statuses "
                    + "(default: ${DEFAULT-VALUE}).")
    String publicUrl;

    @Option(names = "--github-token-file", paramLabel = "FILE",
            description = "A file whose first line is the token commit statuses are posted to GitHub with.")
    Path githubTokenFile;

    @Option(names = "--github-api-url", paramLabel = "URL", defaultValue = "https://api.github.com",
            description = "GitHub's API (default: ${DEFAULT-VALUE}).")
    String githubApiUrl;

    @Option(names = "--gitea-url", paramLabel = "URL", description = "The Gitea or Forgejo server statuses go to.")
    String giteaUrl = "";

    @Option(names = "--gitea-token-file", paramLabel = "FILE", description = "The token for the Gitea or Forgejo server.")
    Path giteaTokenFile;

    @Option(names = "--gitlab-url", paramLabel = "URL", defaultValue = "https://gitlab.com",
            description = "The GitLab server statuses go to (default: ${DEFAULT-VALUE}).")
    String gitlabUrl;

    @Option(names = "--gitlab-token-file", paramLabel = "FILE", description = "The token for the GitLab server.")
    Path gitlabTokenFile;

    @Option(names = "--github-check-runs",
            description = "Post GitHub check runs instead of commit statuses (the token must be a GitHub App's).")
    boolean githubCheckRuns;

    @Option(names = "--evaluation-timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "Stop a jobset's evaluation that runs longer, and fail it; a jobset may set its own "
                    + "(default: ${DEFAULT-VALUE}).")
    long evaluationTimeoutSeconds;

    @Option(names = "--evaluation-memory", paramLabel = "MIB", defaultValue = "0",
            description = "How much memory each process of an evaluation may map (ulimit -v); past it the "
                    + "evaluation fails. 0 for no limit (default: ${DEFAULT-VALUE}).")
    long evaluationMemoryMib;

    @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the coordinator to come up (default: ${DEFAULT-VALUE}).")
    long startTimeoutSeconds;

    @Mixin
    LimitOptions defaultLimits;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Take back a build whose agent shows no sign of life for it (fetch, heartbeat naming it, log"
                    + " or upload bytes) for this long, and schedule it again; 0 for never (default: ${DEFAULT-VALUE}).")
    String stallTimeout;

    CoordinatorCommand(BundleContext bundles) {
        this.bundles = bundles;
    }

    @Override
    public Integer call() throws Exception {
        ListenAddress client = listenOption("--client-listen", clientListen);
        ListenAddress agent = listenOption("--agent-listen", agentListen);
        if (!storeDir.startsWith("/") || storeDir.length() < 2 || storeDir.endsWith("/")) {
            throw new ParameterException(spec.commandLine(), "--store-dir: '" + storeDir + "' is not an absolute directory like /nix/store");
        }
        if (retryFailedBuilds < 0) {
            throw new ParameterException(spec.commandLine(), "--retry-failed-builds: " + retryFailedBuilds + " is negative");
        }
        if (evaluationTimeoutSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--evaluation-timeout: " + evaluationTimeoutSeconds
                    + " is not a positive number of seconds");
        }
        if (evaluationMemoryMib < 0) {
            throw new ParameterException(spec.commandLine(), "--evaluation-memory: " + evaluationMemoryMib + " is negative");
        }
        if (!allocationStrategy.equals("basic") && !allocationStrategy.equals("derivation-ordered")) {
            throw new ParameterException(spec.commandLine(),
                    "--allocation-strategy: '" + allocationStrategy + "' is neither basic nor derivation-ordered");
        }
        BuildLimits limits = defaultLimits.limits();
        RetentionPolicy retention = retentionPolicy();
        long gcSeconds = LimitOptions.seconds(spec, gcInterval, "--gc-interval");
        if (gcSeconds <= 0 || keepLogsDays < 0 || keepEventsDays < 0) {
            throw new ParameterException(spec.commandLine(), "--gc-interval must be above 0, --keep-logs-days and "
                    + "--keep-events-days not negative");
        }
        long stallSeconds = LimitOptions.seconds(spec, stallTimeout, "--stall-timeout");
        String clientTls = keystoreOption("--client-tls-keystore", clientKeystore);
        String agentTls = keystoreOption("--agent-tls-keystore", agentKeystore);
        String keystorePassword = keystorePassword();
        Path state = createStateDir();
        lockStateDir(state);
        String signingKeyName;
        try {
            requireFree(client, "--client-listen");
            requireFree(agent, "--agent-listen");
            signingKeyName = signingKeyName(state);
        } catch (RuntimeException e) {
            releaseStateDir();
            throw e;
        }
        stopFrameworkOnShutdown();

        try (Services services = new Services(bundles)) {
            ConfigurationAdmin configurations = services.await(ConfigurationAdmin.class, Duration.ofSeconds(30));
            List<Configuration> applied = new ArrayList<>();
            try {
                applied.add(configure(configurations, DATASTORE_PID, properties(
                        "state.dir", state.toString(),
                        "database.url", database,
                        "database.max.connections", databaseConnections)));
                applied.add(configure(configurations, COORDINATOR_PID, properties(
                        "state.dir", state.toString(),
                        "allocation.strategy", allocationStrategy,
                        "build.timeout.seconds", orZero(limits.timeoutSeconds()),
                        "build.max.silent.seconds", orZero(limits.maxSilentSeconds()),
                        "build.max.log.bytes", orZero(limits.maxLogBytes()),
                        "build.max.output.bytes", orZero(limits.maxOutputBytes()),
                        "build.stall.seconds", stallSeconds)));
                applied.add(configure(configurations, CACHE_PID, properties(
                        "state.dir", state.toString(),
                        "store.dir", storeDir,
                        "cache.store", cacheStore,
                        "key.name", signingKeyName,
                        "retention.keep.evaluations", retention == null ? -1 : retention.keepEvaluations(),
                        "retention.keep.days", retention == null ? -1 : retention.keepDays(),
                        "retention.storage.limit.bytes", retention == null ? -1L : retention.storageLimitBytes(),
                        "gc.interval.seconds", gcSeconds,
                        "logs.keep.days", keepLogsDays,
                        "events.keep.days", keepEventsDays)));
                applied.add(configure(configurations, HOOKS_PID, properties(
                        "state.dir", state.toString(),
                        "retry.failed.count", retryFailedBuilds,
                        "command", hookCommand)));
                applied.add(configure(configurations, JOBSETS_PID, properties(
                        "state.dir", state.toString(), "webhook.secret.files",
                        webhookSecretFiles.stream().map(file -> file.toAbsolutePath().toString()).toArray(String[]::new),
                        "public.url", publicUrl, "github.api.url", githubApiUrl, "github.token.file", path(githubTokenFile),
                        "gitea.url", giteaUrl, "gitea.token.file", path(giteaTokenFile), "gitlab.url", gitlabUrl,
                        "gitlab.token.file", path(gitlabTokenFile), "github.check.runs", githubCheckRuns,
                        "evaluation.timeout.seconds", evaluationTimeoutSeconds,
                        "evaluation.memory.mib", evaluationMemoryMib)));
                applied.add(configure(configurations, HTTP_PID, properties(
                        "state.dir", state.toString(),
                        "client.listen", client.toString(),
                        "agent.listen", agent.toString(),
                        "client.tls.keystore", clientTls,
                        "agent.tls.keystore", agentTls,
                        "tls.keystore.password", keystorePassword,
                        "client.token.for.reads", tokenForReads)));

                HttpEndpoints endpoints = services.awaitComponents(HttpEndpoints.class,
                        Duration.ofSeconds(startTimeoutSeconds));
                LOG.info("Kiln coordinator ready: state in {}, client API on {}, agent API on {}",
                        state, endpoints.clientApi(), endpoints.agentApi());
                notifyServiceManagerReady();
                stopped.await();
                return 0;
            } finally {
                unconfigure(applied);
                services.awaitComponentsStopped(Set.of(DATASTORE_PID, COORDINATOR_PID, CACHE_PID, HOOKS_PID,
                        JOBSETS_PID, HTTP_PID), Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS));
            }
        } finally {
            releaseStateDir();
            finished.countDown();
        }
    }

    /** The retention options as a policy, null when none is given; one that would keep nothing is refused. */
    private RetentionPolicy retentionPolicy() {
        try {
            return RetentionPolicy.of(keepEvaluations, keepDays, BuildLimits.parseSize(storageLimit, "--storage-limit"))
                    .orElse(null);
        } catch (InvalidRequestException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Deleting the configurations deactivates the components, the HTTP server first, the database last. */
    private static void unconfigure(List<Configuration> applied) {
        for (Configuration configuration : applied.reversed()) {
            try {
                configuration.delete();
            } catch (IOException | IllegalStateException e) {
                LOG.debug("Configuration {} was already gone", configuration, e);
            }
        }
    }

    void stop() {
        stopped.countDown();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    /**
     * Under systemd ({@code Type=notify}, which sets {@code NOTIFY_SOCKET}), says that the coordinator is ready, once
     * its ports answer. The socket is a datagram socket, which Java cannot write to: {@code systemd-notify} sends the
     * message for this process (the unit allows it with {@code NotifyAccess=all}).
     */
    private static void notifyServiceManagerReady() throws InterruptedException {
        if (System.getenv("NOTIFY_SOCKET") == null) {
            return;
        }
        try {
            Process notify = new ProcessBuilder("systemd-notify", "--ready", "--pid=" + ProcessHandle.current().pid())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(notify.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (notify.waitFor() != 0) {
                LOG.warn("systemd-notify --ready failed: {}", output);
            }
        } catch (IOException e) {
            LOG.warn("Cannot tell systemd that the coordinator is ready: {}", e.getMessage());
        }
    }

    private ListenAddress listenOption(String option, String value) {
        try {
            return ListenAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private String keystoreOption(String option, Path keystore) {
        if (keystore == null) {
            return "";
        }
        Path absolute = keystore.toAbsolutePath().normalize();
        if (!Files.isReadable(absolute) || !Files.isRegularFile(absolute)) {
            throw new ParameterException(spec.commandLine(), option + ": " + absolute + " is not a readable file");
        }
        return absolute.toString();
    }

    private String keystorePassword() {
        if (keystorePasswordFile == null) {
            return System.getenv().getOrDefault("KILN_TLS_KEYSTORE_PASSWORD", "");
        }
        try {
            return Files.readAllLines(keystorePasswordFile).stream().findFirst().orElse("");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(),
                    "--tls-keystore-password-file: cannot read " + keystorePasswordFile + ": " + e.getMessage());
        }
    }

    /**
     * The name a new signing key gets. A state directory that has a key keeps it: a {@code --key-name} that names
     * another is refused rather than silently ignored.
     */
    private String signingKeyName(Path state) {
        NixSecretKey current;
        try {
            current = SigningKeys.current(state.resolve("keys"));
        } catch (IOException e) {
            throw new CommandFailedException(e.getMessage());
        }
        if (keyName != null && current != null && !current.name().equals(keyName)) {
            throw new ParameterException(spec.commandLine(), "--key-name " + keyName + ": the state directory's key is "
                    + "named " + current.name() + "; 'kiln cache rotate-key --state-dir " + state + " --key-name "
                    + keyName + "' makes a new one");
        }
        if (keyName != null) {
            return keyName;
        }
        return current != null ? current.name() : hostName() + "-1";
    }

    /** This machine's name, as {@code hostname} says it, for the default key name. */
    private static String hostName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = Files.readString(Path.of("/etc/hostname")).strip();
            } catch (IOException e) {
                name = "";
            }
        }
        name = name.replaceAll("[^A-Za-z0-9._-]", "");
        return name.isEmpty() ? "kiln" : name;
    }

    /**
     * Takes the state directory for this process, until it ends: a second coordinator on it stops here with one line
     * instead of failing inside Derby's lock, or, on PostgreSQL, sharing the cache and the keys.
     */
    private void lockStateDir(Path state) {
        Path lockFile = state.resolve("coordinator.lock");
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                stateLock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                stateLock = null;
            }
            if (stateLock == null) {
                channel.close();
                throw new CommandFailedException("another coordinator runs on the state directory " + state
                        + " (it holds " + lockFile + "); stop it first, or give another --state-dir");
            }
        } catch (IOException e) {
            throw new CommandFailedException("cannot lock the state directory " + state + ": " + e.getMessage());
        }
    }

    private void releaseStateDir() {
        try {
            stateLock.channel().close();
        } catch (IOException e) {
            LOG.warn("Cannot let go of the state directory's lock: {}", e.getMessage());
        }
    }

    /** Fails in one line when a port is taken, before any component starts. */
    private static void requireFree(ListenAddress address, String option) {
        if (address.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new CommandFailedException("cannot listen on " + address + " (" + option + "): "
                    + (e instanceof BindException ? "the address is in use, or not this machine's" : e.getMessage()));
        }
    }

    private Path createStateDir() {
        Path state = stateDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new CommandFailedException("cannot create the state directory " + state + ": " + e);
        }
        if (!Files.isWritable(state)) {
            throw new CommandFailedException("the state directory " + state + " is not writable");
        }
        return state;
    }

    /** A SIGTERM or Ctrl-C stops the framework, so every component shuts down in order (Jetty, then the database). */
    private void stopFrameworkOnShutdown() {
        Framework framework = (Framework) bundles.getBundle(Constants.SYSTEM_BUNDLE_ID);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("kiln-shutdown").unstarted(() -> {
            stop();
            try {
                if (!finished.await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("The coordinator's components did not stop within {} s", SHUTDOWN_TIMEOUT_SECONDS);
                }
                framework.stop();
                FrameworkEvent event = framework.waitForStop(TimeUnit.SECONDS.toMillis(SHUTDOWN_TIMEOUT_SECONDS));
                if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    LOG.warn("The framework did not stop within {} s", SHUTDOWN_TIMEOUT_SECONDS);
                }
            } catch (BundleException | InterruptedException e) {
                LOG.warn("Stopping the coordinator failed", e);
            }
        }));
    }

    private static Configuration configure(ConfigurationAdmin configurations, String pid,
            Dictionary<String, Object> properties) throws IOException {
        Configuration configuration = configurations.getConfiguration(pid, "?");
        configuration.update(properties);
        return configuration;
    }

    private static String path(Path file) {
        return file == null ? "" : file.toAbsolutePath().toString();
    }

    private static Dictionary<String, Object> properties(Object... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("kiln");
    }
}
