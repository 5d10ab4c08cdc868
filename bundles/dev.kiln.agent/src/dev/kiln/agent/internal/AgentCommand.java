package dev.kiln.agent.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.client.KilnAgentClient;
import dev.kiln.execution.BuildExecutor;
import dev.kiln.execution.BuildRequest;
import dev.kiln.store.StoreDir;
import dev.kiln.store.narinfo.NarInfoFormatException;
import dev.kiln.store.narinfo.NixPublicKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln-agent}: fetches builds from a coordinator, builds them and uploads the outputs, until it is stopped
 * (SIGTERM: running builds finish or are handed back).
 */
@Command(name = "kiln-agent", mixinStandardHelpOptions = true,
        description = "A Kiln build agent: fetches builds from a coordinator, builds them and uploads the outputs.",
        exitCodeListHeading = "Exit codes:%n", exitCodeList = {
                "0:stopped", "2:a wrong option",
                "3:refused at the start: wrong --id or password, or a removed agent",
                "4:--coordinator is not the coordinator's agent API (the client API's port?)"})
final class AgentCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([KMGT]?)(?:I?B)?");

    /** Finds the executor of a name, waiting for it to be registered; null if there is none. */
    interface ExecutorLookup {
        BuildExecutor find(String name) throws InterruptedException;
    }

    private final ExecutorLookup executors;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile FetchLoop loop;

    @Spec
    CommandSpec spec;

    @Option(names = "--coordinator", paramLabel = "URL", defaultValue = "http://127.0.0.1:8745",
            description = "The coordinator's agent API (default: ${DEFAULT-VALUE}).")
    URI coordinator;

    @Option(names = "--id", paramLabel = "ID", required = true, description = "This agent's id, as the coordinator gave it.")
    String id;

    @Option(names = "--password-file", paramLabel = "FILE", required = true,
            description = "A file holding this agent's password; read again when the coordinator refuses the password "
                    + "in use, so that a new one (kiln agent password) is taken without a restart.")
    Path passwordFile;

    @Option(names = "--system", paramLabel = "SYSTEM", split = ",",
            description = "A system this agent builds for; repeatable (default: x86_64-linux).")
    List<String> systems = new ArrayList<>();

    @Option(names = "--max-parallel-builds", paramLabel = "N", description = "Build slots (default: the number of cores).")
    Integer maxParallelBuilds;

    @Option(names = "--max-parallel-uploads", paramLabel = "N", defaultValue = "2",
            description = "Outputs uploaded at once (default: ${DEFAULT-VALUE}).")
    int maxParallelUploads;

    @Option(names = "--store-dir", paramLabel = "DIR", defaultValue = "/nix/store",
            description = "The store directory of the derivations (default: ${DEFAULT-VALUE}).")
    String storeDir;

    @Option(names = "--store-root", paramLabel = "DIR",
            description = "Where the store's files are, if not at the store directory (needs the sandbox; with"
                    + " --executor nix, it ends with the store directory: Nix's store local?root=DIR).")
    Path storeRoot;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/kiln-agent",
            description = "The agent's state: build directories, upload spool, records (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--substitute-url", paramLabel = "URL",
            description = "A binary cache for inputs, after the coordinator's; repeatable.")
    List<URI> substituteUrls = new ArrayList<>();

    @Option(names = "--trusted-public-key", paramLabel = "KEY",
            description = "A key (name:base64) whose narinfo signatures are trusted; repeatable. Without any, only the"
                    + " coordinator's cache is used.")
    List<String> trustedPublicKeys = new ArrayList<>();

    @Option(names = "--executor", paramLabel = "NAME", defaultValue = "native",
            description = "native (runs builders itself) or nix (hands derivations to nix-store) (default: ${DEFAULT-VALUE}).")
    String executor;

    @Option(names = "--sandbox", paramLabel = "MODE", defaultValue = "auto",
            description = "yes, no or auto: run builders in a bubblewrap sandbox (auto: when bwrap is installed).")
    String sandbox;

    @Option(names = "--sandbox-path", paramLabel = "PATH", split = ",",
            description = "A host path shown read-only in the sandbox; repeatable (default: /bin,/usr,/lib,/lib64).")
    List<Path> sandboxPaths = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "The longest a build may run; 0 for no limit (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--max-silent-time", paramLabel = "SECONDS", defaultValue = "0",
            description = "The longest a build may stay silent; 0 for no limit (default: ${DEFAULT-VALUE}).")
    long maxSilentSeconds;

    @Option(names = "--features", paramLabel = "FEATURE", split = ",",
            description = "A system feature this agent supports (kvm, big-parallel, nixos-test...); repeatable. A build"
                    + " whose derivation requires features (requiredSystemFeatures) goes only to an agent with them all.")
    List<String> features = new ArrayList<>();

    @Option(names = "--mandatory-features", paramLabel = "FEATURE", split = ",",
            description = "A feature this agent requires of every build it takes (it takes only builds that require"
                    + " it); repeatable. Supported as well.")
    List<String> mandatoryFeatures = new ArrayList<>();

    @Option(names = "--speed-factor", paramLabel = "FACTOR", defaultValue = "1",
            description = "How fast this agent builds relative to others: a faster agent with room is given a build"
                    + " first (default: ${DEFAULT-VALUE}).")
    double speedFactor;

    @Option(names = "--min-free-disk", paramLabel = "SIZE", defaultValue = "0",
            description = "Fetch no work while the state directory or the store root has fewer free bytes than this"
                    + " (bytes, or 500M, 10G...); 0 for no minimum (default: ${DEFAULT-VALUE}).")
    String minFreeDisk;

    @Option(names = "--max-load", paramLabel = "LOAD", defaultValue = "0",
            description = "Fetch no work while the one-minute load average is above this; 0 for no maximum"
                    + " (default: ${DEFAULT-VALUE}).")
    double maxLoad;

    @Option(names = "--cores", paramLabel = "N", defaultValue = "1",
            description = "NIX_BUILD_CORES for each build (default: ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "On stop, how long running builds may finish before they are handed back (default: ${DEFAULT-VALUE}).")
    long stopTimeoutSeconds;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "10", hidden = true)
    long heartbeatSeconds;

    @Option(names = "--idle-poll-millis", paramLabel = "MILLIS", defaultValue = "1000", hidden = true)
    long idlePollMillis;

    @Option(names = "--retry-initial", paramLabel = "MILLIS", defaultValue = "1000", hidden = true)
    long retryInitialMillis;

    @Option(names = "--retry-max", paramLabel = "MILLIS", defaultValue = "60000", hidden = true)
    long retryMaxMillis;

    AgentCommand(ExecutorLookup executors) {
        this.executors = executors;
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        AgentSettings settings = settings();
        UUID agentId = parse(() -> UUID.fromString(id), "--id must be an agent id (a UUID), not '" + id + "'");
        readPassword();
        BuildExecutor buildExecutor = executors.find(executor);
        if (buildExecutor == null) {
            throw new ParameterException(spec.commandLine(), "--executor: no executor named '" + executor + "' is installed");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        CoordinatorConnection connection = new RetryingConnection(new ClientCoordinatorConnection(
                password -> new KilnAgentClient(coordinator, agentId, password), this::readPasswordAgain),
                settings.retryDelay(), 10);
        LocalStore store = new LocalStore(settings.storeDir(), settings.storeRoot(), settings.stateDirectory());
        List<Substituter.BinaryCache> caches = new ArrayList<>();
        caches.add(new Substituter.BinaryCache(settings.substituters().get(0), true));
        settings.substituters().subList(1, settings.substituters().size())
                .forEach(url -> caches.add(new Substituter.BinaryCache(url, false)));
        List<NixPublicKey> keys = new ArrayList<>();
        for (String key : settings.trustedKeys()) {
            try {
                keys.add(NixPublicKey.parse(key));
            } catch (NarInfoFormatException e) {
                throw new ParameterException(spec.commandLine(), "--trusted-public-key: " + e.getMessage());
            }
        }
        BuildJob.Services services = new BuildJob.Services(connection, store,
                new Substituter(store, caches, keys, http),
                new Uploader(connection, store, settings.stateDirectory(), maxParallelUploads, settings.retryDelay()),
                buildExecutor, new KnownDerivations(connection), new BuildDirectories(settings.buildsDirectory()),
                settings);
        loop = new FetchLoop(services, new HeldBuilds(settings.stateDirectory()));
        if (stopRequested.getCount() == 0) {
            loop.stop();
        }
        LOG.info("Agent {} building {} with {} slots for {} (executor {}, {}; features {}, mandatory {}, speed {})",
                agentId, settings.systems(), settings.maxBuilds(), coordinator, executor,
                settings.nixManagesStore() ? "sandboxed as Nix is configured"
                : settings.sandbox() == null ? "no sandbox" : "sandboxed", settings.features().supported(),
                settings.features().mandatory(), settings.features().speedFactor());
        try {
            loop.run();
        } catch (ConnectionState.RefusedAtStart e) {
            LOG.error(e.getMessage());
            return e.exitCode();
        } finally {
            stopped.countDown();
        }
        LOG.info("Agent stopped");
        return 0;
    }

    /** Stops gracefully and waits for it, within the stop timeout and a little more. */
    void stop() {
        stopRequested.countDown();
        FetchLoop running = loop;
        if (running != null) {
            running.stop();
            try {
                stopped.await(stopTimeoutSeconds + 60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    AgentSettings settings() {
        positive(maxParallelUploads, "--max-parallel-uploads");
        positive(cores, "--cores");
        int builds = maxParallelBuilds == null ? Runtime.getRuntime().availableProcessors() : maxParallelBuilds;
        positive(builds, "--max-parallel-builds");
        for (long seconds : new long[] {timeoutSeconds, maxSilentSeconds, stopTimeoutSeconds}) {
            if (seconds < 0) {
                throw new ParameterException(spec.commandLine(), "time limits must be 0 or more seconds, not " + seconds);
            }
        }
        StoreDir store = parse(() -> new StoreDir(storeDir), "--store-dir must be an absolute canonical directory, not '"
                + storeDir + "'");
        Path root = (storeRoot == null ? Path.of(storeDir) : storeRoot).toAbsolutePath().normalize();
        List<URI> substituters = new ArrayList<>();
        substituters.add(cacheUri(coordinator, "--coordinator"));
        for (URI url : substituteUrls) {
            substituters.add(cacheUri(url, "--substitute-url"));
        }
        BuildRequest.Sandbox buildSandbox = sandbox();
        boolean nix = switch (executor) {
            case "native" -> false;
            case "nix" -> true;
            default -> throw new ParameterException(spec.commandLine(), "--executor must be native or nix, not '" + executor + "'");
        };
        if (!nix && buildSandbox == null && !root.equals(Path.of(store.path()))) {
            throw new ParameterException(spec.commandLine(), "--store-root " + root + " differs from --store-dir "
                    + store.path() + ", which needs the sandbox (bubblewrap)");
        }
        // Nix's chroot store keeps its paths under <root><store dir>: any other store root fails every build.
        if (nix && !root.toString().endsWith(store.path())) {
            throw new ParameterException(spec.commandLine(), "--store-root " + root + " must be --store-dir "
                    + store.path() + " or end with it for --executor nix (Nix's store local?root=DIR)");
        }
        return new AgentSettings(coordinator, systems.isEmpty() ? List.of("x86_64-linux") : systems, builds, store, root,
                stateDir.toAbsolutePath().normalize(), substituters, trustedPublicKeys, nix, nix ? null : buildSandbox,
                Duration.ofSeconds(timeoutSeconds), Duration.ofSeconds(maxSilentSeconds), cores,
                Duration.ofSeconds(Math.max(1, heartbeatSeconds)), Duration.ofMillis(Math.max(10, idlePollMillis)),
                Duration.ofSeconds(stopTimeoutSeconds), Duration.ofMillis(Math.max(10, retryInitialMillis)),
                Duration.ofMillis(Math.max(retryInitialMillis, retryMaxMillis)), features(), admission());
    }

    private AgentSettings.Admission admission() {
        if (!(maxLoad >= 0) || Double.isInfinite(maxLoad)) {
            throw new ParameterException(spec.commandLine(), "--max-load must be 0 or more, not " + maxLoad);
        }
        return new AgentSettings.Admission(parseSize(minFreeDisk, "--min-free-disk"), maxLoad);
    }

    /** A size in bytes, or with a binary suffix K, M, G or T (1048576, 500M, 10GiB). */
    private long parseSize(String text, String option) {
        Matcher size = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!size.matches()) {
            throw new ParameterException(spec.commandLine(), option + " must be a size in bytes, or with a suffix K, M,"
                    + " G or T, not '" + text + "'");
        }
        String unit = size.group(2);
        return Long.parseLong(size.group(1)) << (unit.isEmpty() ? 0 : 10 * ("KMGT".indexOf(unit) + 1));
    }

    private AgentSettings.Features features() {
        List<String> named = new ArrayList<>(features);
        named.addAll(mandatoryFeatures);
        for (String feature : named) {
            if (feature.isBlank() || feature.length() > 100 || feature.chars().anyMatch(Character::isWhitespace)) {
                throw new ParameterException(spec.commandLine(), "a feature name is 1 to 100 characters without"
                        + " spaces, not '" + feature + "'");
            }
        }
        if (!(speedFactor > 0) || speedFactor > 1000) {
            throw new ParameterException(spec.commandLine(), "--speed-factor must be above 0 and at most 1000, not "
                    + speedFactor);
        }
        return new AgentSettings.Features(features, mandatoryFeatures, speedFactor);
    }

    private BuildRequest.Sandbox sandbox() {
        Path bwrap = findOnPath("bwrap");
        List<Path> hostPaths = sandboxPaths.isEmpty()
                ? List.of(Path.of("/bin"), Path.of("/usr"), Path.of("/lib"), Path.of("/lib64")) : sandboxPaths;
        return switch (sandbox) {
            case "no" -> null;
            case "auto" -> bwrap == null ? null : new BuildRequest.Sandbox(bwrap, hostPaths);
            case "yes" -> {
                if (bwrap == null) {
                    throw new ParameterException(spec.commandLine(),
                            "--sandbox yes needs bwrap on the PATH (Debian: apt-get install bubblewrap)");
                }
                yield new BuildRequest.Sandbox(bwrap, hostPaths);
            }
            default -> throw new ParameterException(spec.commandLine(), "--sandbox must be yes, no or auto, not '" + sandbox + "'");
        };
    }

    private static Path findOnPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return Path.of(directory, program);
            }
        }
        return null;
    }

    private URI cacheUri(URI url, String option) {
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new ParameterException(spec.commandLine(), option + " must be an http or https URL, not '" + url + "'");
        }
        return url.toString().endsWith("/") ? url : URI.create(url + "/");
    }

    /** Checks that the password file can be read at the start, where a mistake is a usage error. */
    private void readPassword() {
        try {
            readPasswordAgain();
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--password-file " + e.getMessage());
        }
    }

    /** The password, read each time the coordinator refuses the one in use: a new one is taken without a restart. */
    private String readPasswordAgain() throws IOException {
        String password;
        try {
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException(passwordFile + " cannot be read: " + e, e);
        }
        if (password.isEmpty()) {
            throw new IOException(passwordFile + " is empty");
        }
        return password;
    }

    private void positive(int value, String option) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, not " + value);
        }
    }

    private <T> T parse(Supplier<T> parser, String message) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
