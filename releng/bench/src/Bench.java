import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;

import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.KilnClient;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.BuildRequest;
import dev.kiln.protocol.DerivationText;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.GcReportInfo;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.SubmitBody;
import dev.kiln.protocol.UploadedOutput;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationHasher;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarWriter;

/**
 * The farm under load: starts a real coordinator product on loopback ports, submits generated derivation graphs over
 * the client API and drains them with simulated agents (threads, each with its own {@link KilnAgentClient}) that
 * fetch, report the start, upload a small zstd NAR per output with its true NarHash and NarSize, and report success.
 * Writes the figures as JSON and a gnuplot data file. Usage:
 *
 * <pre>
 * java -cp JARS:CLASSES Bench --home COORDINATOR-DIR --work DIR --out FILE.json --scenarios 1000x1,1000x16
 *      [--upload-mib N] [--graph-width W] [--nix-drvs FILE] [--peer NAME=FILE.json]...
 * </pre>
 */
public final class Bench {

    private static final String SYSTEM = "x86_64-linux";
    private static final StoreDir STORE = StoreDir.NIX;
    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(240);
    private static final Duration SCENARIO_LIMIT = Duration.ofMinutes(30);
    private static final int SUBMIT_CHUNK = 2_000;
    private static final int WARM_UP_BUILDS = 200;

    private final Path home;
    private final Path work;
    private final int graphWidth;
    private final String javaOpts;
    private final Postgres postgres;

    private Process coordinator;
    private URI clientUri;
    private URI agentUri;
    private int agentsCreated;
    /** Whether the coordinators run under a policy that keeps nothing built, for the garbage collection's figures. */
    private boolean collectGarbage;

    private Bench(Path home, Path work, int graphWidth, String javaOpts, Postgres postgres) {
        this.home = home;
        this.work = work;
        this.graphWidth = graphWidth;
        this.javaOpts = javaOpts;
        this.postgres = postgres;
    }

    /**
     * The PostgreSQL server the run script started on 127.0.0.1 (its binaries and port): one database for each
     * coordinator, made with its {@code createdb} as the server's superuser.
     */
    record Postgres(Path binaries, int port, String user) {
        String createDatabase(String name) throws Exception {
            String database = "kiln_bench_" + name.replaceAll("\\W", "_");
            String output = runFor(List.of(binaries.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-U", user, database), 60);
            if (!output.isBlank()) {
                throw new IllegalStateException("createdb " + database + ": " + output.strip());
            }
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user;
        }
    }

    /** One derivation to submit: its path and its ATerm text. */
    record Drv(String path, String text) {
    }

    /** What one scenario measured. */
    record Result(String graph, int builds, int agents, double submitSeconds, double submitPerS, double drainSeconds,
            double buildsPerS, long fetches, double fetchP50Ms, double fetchP99Ms, double fetchMaxMs,
            double fetchP99WhileSubmittingMs, double fetchP99AfterSubmittingMs, double fetchServerP99AtMostMs,
            double fetchServerWithin20MsPercent, double rssMb, double peakRssMb, double heapMb, double cpuMsPerBuild) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        Map<String, String> peers = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--peer")) {
                String[] pair = args[i + 1].split("=", 2);
                peers.put(pair[0], pair[1]);
            } else {
                options.put(args[i], args[i + 1]);
            }
        }
        Bench bench = new Bench(Path.of(options.get("--home")), Path.of(options.get("--work")),
                Integer.parseInt(options.getOrDefault("--graph-width", "100")),
                options.getOrDefault("--java-opts", ""),
                options.containsKey("--postgres-port") ? new Postgres(Path.of(options.get("--postgres-bin")),
                        Integer.parseInt(options.get("--postgres-port")), options.get("--postgres-user")) : null);
        bench.collectGarbage = Boolean.parseBoolean(options.getOrDefault("--gc", "false"));
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopCoordinator));
        Map<String, Object> report = bench.run(options, peers);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path out = Path.of(options.get("--out"));
        mapper.writeValue(out.toFile(), report);
        System.out.println("bench: wrote " + out);
    }

    /** One scenario: B builds drained by A agents; a cold one runs first on a coordinator just started. */
    record Scenario(int builds, int agents, boolean cold) {
        static Scenario parse(String text) {
            boolean cold = text.endsWith("c");
            String[] parts = (cold ? text.substring(0, text.length() - 1) : text).split("x");
            return new Scenario(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), cold);
        }
    }

    /** What the scenarios measured on one database. */
    record DatabaseRun(String database, List<Result> results, List<Double> startups, Result cold, double coldStartup) {
        Result headline() {
            return results.stream().filter(r -> r.graph().equals("generated"))
                    .max((a, b) -> a.builds() != b.builds() ? Integer.compare(a.builds(), b.builds())
                            : Integer.compare(a.agents(), b.agents()))
                    .orElseThrow();
        }

        Map<String, Object> summary() {
            Result headline = headline();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("headline_scenario", headline.builds() + " builds, " + headline.agents() + " agents");
            summary.put("builds_per_s", round(headline.buildsPerS()));
            summary.put("fetch_p99_ms", round(headline.fetchP99Ms()));
            summary.put("cpu_ms_per_build", round(headline.cpuMsPerBuild()));
            if (cold != null) {
                summary.put("cold_scenario", cold.builds() + " builds, " + cold.agents() + " agents");
                summary.put("cold_startup_s", round(coldStartup));
                summary.put("cold_builds_per_s", round(cold.buildsPerS()));
                summary.put("cold_fetch_p99_ms", round(cold.fetchP99Ms()));
                summary.put("cold_cpu_ms_per_build", round(cold.cpuMsPerBuild()));
            }
            summary.put("startup_s", round(startups.stream().mapToDouble(Double::doubleValue).min().orElse(0)));
            summary.put("scenarios", results.stream().filter(r -> r.builds() > 0).toList());
            return summary;
        }
    }

    private Map<String, Object> run(Map<String, String> options, Map<String, String> peerFiles) throws Exception {
        List<Scenario> scenarios = new ArrayList<>();
        for (String scenario : options.get("--scenarios").split(",")) {
            scenarios.add(Scenario.parse(scenario));
        }
        // The cold scenarios first, each on a coordinator of its own, as nothing has warmed it.
        scenarios.sort((a, b) -> Boolean.compare(b.cold(), a.cold()));
        List<String> databases = List.of(options.getOrDefault("--databases", "derby").split(","));
        int uploadMib = Integer.parseInt(options.getOrDefault("--upload-mib", "256"));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", Instant.now().toString());
        List<DatabaseRun> runs = new ArrayList<>();
        Result nixGraph = null;
        double[] upload = {0, 0};
        double[] freshUpload = null;
        boolean severalSizes = scenarios.stream().filter(scenario -> !scenario.cold()).mapToInt(Scenario::builds)
                .distinct().count() > 1;
        for (String database : databases) {
            boolean first = runs.isEmpty();
            List<Result> results = new ArrayList<>();
            List<Double> startups = new ArrayList<>();
            Result cold = null;
            double coldStartup = 0;
            try {
                // A fresh coordinator for each graph size: the builds stored before a scenario are those of its size.
                int currentSize = -1;
                for (Scenario scenario : scenarios) {
                    if (scenario.cold()) {
                        stopCoordinator();
                        coldStartup = startCoordinator(database, "cold-" + scenario.builds());
                        cold = drain("cold", generate("cold-" + System.nanoTime(), scenario.builds()),
                                scenario.agents());
                        currentSize = -1;
                        continue;
                    }
                    if (scenario.builds() != currentSize) {
                        stopCoordinator();
                        startups.add(startCoordinator(database, "size-" + scenario.builds()));
                        currentSize = scenario.builds();
                        // Not recorded: lets the JIT compile the coordinator's paths before the first measured graph.
                        drain("warm-up", generate("warm-up-" + System.nanoTime(), WARM_UP_BUILDS), 4);
                        if (first && uploadMib > 0 && severalSizes && freshUpload == null) {
                            // The upload once on a coordinator that stored nothing but its warm-up, and again at the
                            // end, after the largest graphs, when the kernel has their files in memory.
                            freshUpload = upload(uploadMib, "fresh coordinator");
                        }
                    }
                    List<Drv> graph = generate("g" + results.size() + "-" + System.nanoTime(), scenario.builds());
                    results.add(drain("generated", graph, scenario.agents()));
                }
                if (first && options.containsKey("--nix-drvs")) {
                    List<Drv> graph = readDrvs(Path.of(options.get("--nix-drvs")));
                    if (!graph.isEmpty()) {
                        nixGraph = drain("nix-instantiate", graph, 1);
                        results.add(nixGraph);
                    }
                }
                if (first && collectGarbage) {
                    report.put("gc", collect());
                }
                if (first && uploadMib > 0) {
                    upload = upload(uploadMib, "after the graphs");
                }
                results.add(measureMemory("after-upload"));
            } finally {
                stopCoordinator();
            }
            runs.add(new DatabaseRun(database, results, startups, cold, coldStartup));
        }
        DatabaseRun main = runs.get(0);
        List<Result> results = main.results();
        Result headline = main.headline();
        report.put("headline_scenario", headline.builds() + " builds, " + headline.agents() + " agents");
        report.put("database", main.database());
        report.put("builds_per_s", round(headline.buildsPerS()));
        report.put("submit_per_s", round(headline.submitPerS()));
        report.put("fetch_p50_ms", round(headline.fetchP50Ms()));
        report.put("fetch_p99_ms", round(headline.fetchP99Ms()));
        report.put("cpu_ms_per_build", round(headline.cpuMsPerBuild()));
        report.put("upload_mb_s", round(upload[0]));
        report.put("upload_wire_mb_s", round(upload[1]));
        if (freshUpload != null) {
            report.put("upload_fresh_mb_s", round(freshUpload[0]));
            report.put("upload_fresh_wire_mb_s", round(freshUpload[1]));
        }
        report.put("coordinator_rss_mb",
                round(results.stream().mapToDouble(Result::peakRssMb).max().orElse(0)));
        report.put("coordinator_heap_mb", round(results.stream().mapToDouble(Result::heapMb).max().orElse(0)));
        report.put("startup_s", round(main.startups().stream().mapToDouble(Double::doubleValue).min().orElse(0)));
        report.put("startups_s", main.startups().stream().map(Bench::round).toList());
        report.put("scenarios", results.stream().filter(r -> r.builds() > 0).toList());
        Map<String, Object> byDatabase = new LinkedHashMap<>();
        for (DatabaseRun run : runs) {
            byDatabase.put(run.database(), run.summary());
        }
        report.put("databases", byDatabase);
        for (DatabaseRun run : runs.subList(1, runs.size())) {
            // Compared on the same scenario: the largest with the most agents of both.
            report.put(run.database() + "_to_" + main.database() + "_ratio",
                    round(run.headline().buildsPerS() / headline.buildsPerS()));
        }
        Map<String, Object> peers = new LinkedHashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        for (Map.Entry<String, String> peer : peerFiles.entrySet()) {
            Path file = Path.of(peer.getValue());
            if (!Files.exists(file)) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> figures = mapper.readValue(file.toFile(), Map.class);
            if (figures.get("builds_per_s") instanceof Number peerRate && peerRate.doubleValue() > 0) {
                Result kiln = peer.getKey().equals("nix_store_realise") ? nixGraph
                        : results.stream().filter(r -> r.graph().equals("generated")
                                && r.agents() == ((Number) figures.getOrDefault("workers", 4)).intValue())
                                .max((a, b) -> Integer.compare(a.builds(), b.builds())).orElse(null);
                if (kiln != null) {
                    figures.put("kiln_builds_per_s", round(kiln.buildsPerS()));
                    figures.put("kiln_to_peer_ratio", round(kiln.buildsPerS() / peerRate.doubleValue()));
                }
            }
            peers.put(peer.getKey(), figures);
        }
        report.put("peers", peers);
        writeChartData(runs, Path.of(options.get("--out").replaceAll("\\.json$", "") + ".dat"));
        return report;
    }

    // ---- the coordinator process ----

    private double startCoordinator(String database, String name) throws Exception {
        Path state = work.resolve("state-" + database + "-" + name);
        Files.createDirectories(state);
        int clientPort = freePort();
        int agentPort = freePort();
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kiln").toString(), "coordinator",
                "--state-dir", state.toString(), "--client-listen", "127.0.0.1:" + clientPort,
                "--agent-listen", "127.0.0.1:" + agentPort));
        if (collectGarbage) {
            // Keeps only what pending builds need: a collection after the graphs removes every output.
            command.addAll(List.of("--storage-limit", "1", "--gc-interval", "86400"));
        }
        if (database.equals("postgresql")) {
            command.addAll(List.of("--database", postgres.createDatabase(name)));
        } else if (!database.equals("derby")) {
            throw new IllegalArgumentException("no database " + database + " (derby or postgresql)");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KILN_JAVA_OPTS", javaOpts);
        builder.redirectErrorStream(true).redirectOutput(work.resolve("coordinator-" + database + "-" + name + ".log").toFile());
        clientUri = URI.create("http://127.0.0.1:" + clientPort);
        agentUri = URI.create("http://127.0.0.1:" + agentPort);
        long start = System.nanoTime();
        coordinator = builder.start();
        long deadline = start + STARTUP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!coordinator.isAlive()) {
                throw new IllegalStateException("the coordinator exited with " + coordinator.exitValue()
                        + "; see " + work.resolve("coordinator-" + database + "-" + name + ".log"));
            }
            if (healthy()) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("bench: coordinator %s on %s healthy after %.2f s (pid %d)%n", name, database, seconds,
                        coordinator.pid());
                return seconds;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the coordinator was not healthy within " + STARTUP_LIMIT);
    }

    private boolean healthy() {
        try {
            new KilnClient(clientUri).checkHealth();
            return true;
        } catch (CoordinatorUnreachableException e) {
            return false;
        }
    }

    private void stopCoordinator() {
        Process process = coordinator;
        if (process == null) {
            return;
        }
        coordinator = null;
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // ---- derivation graphs ----

    /**
     * A layered graph: derivation i depends on i - width and on one more of the layer before, so each layer of
     * {@code width} derivations can be built at once when the one before has succeeded.
     */
    private List<Drv> generate(String prefix, int count) throws Exception {
        Map<StorePath, Derivation> made = new HashMap<>();
        DerivationHasher hasher = new DerivationHasher(made::get);
        List<StorePath> paths = new ArrayList<>(count);
        List<Drv> graph = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = "bench-" + prefix + "-" + i;
            SortedMap<StorePath, SortedSet<String>> inputs = new TreeMap<>();
            for (int input : inputsOf(i, graphWidth)) {
                inputs.put(paths.get(input), new TreeSet<>(List.of("out")));
            }
            SortedMap<String, String> env = new TreeMap<>();
            env.put("name", name);
            env.put("system", SYSTEM);
            env.put("builder", "/bin/sh");
            env.put("deps", String.join(" ", inputs.keySet().stream().map(StorePath::toString).toList()));
            env.put("out", "");
            StorePath placeholder = STORE.parseBaseName("00000000000000000000000000000000-" + name);
            SortedMap<String, DerivationOutput> masked = new TreeMap<>();
            masked.put("out", new DerivationOutput.InputAddressed(placeholder));
            List<String> builderArgs = List.of("-c", "echo " + i + " > $out");
            Derivation draft = new Derivation(STORE, name, masked, inputs, new TreeSet<>(), SYSTEM, "/bin/sh",
                    builderArgs, env);
            SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
            hasher.outputPaths(draft).forEach((output, path) -> {
                outputs.put(output, new DerivationOutput.InputAddressed(path));
                env.put(output, path.toString());
            });
            Derivation derivation = new Derivation(STORE, name, outputs, inputs, new TreeSet<>(), SYSTEM, "/bin/sh",
                    builderArgs, env);
            StorePath drvPath = derivation.drvPath();
            made.put(drvPath, derivation);
            paths.add(drvPath);
            graph.add(new Drv(drvPath.toString(), new String(derivation.toAterm(), StandardCharsets.UTF_8)));
        }
        return graph;
    }

    static int[] inputsOf(int i, int width) {
        if (i < width) {
            return new int[0];
        }
        int second = i - width - 1 - i % 7;
        return second >= 0 ? new int[] {i - width, second} : new int[] {i - width};
    }

    /** Reads .drv files listed one a line, in an order where inputs come first. */
    private static List<Drv> readDrvs(Path list) throws IOException {
        List<Drv> graph = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            if (!line.isBlank()) {
                graph.add(new Drv(line.strip(), Files.readString(Path.of(line.strip()))));
            }
        }
        return graph;
    }

    // ---- one scenario: submit a graph, drain it with simulated agents ----

    private Result drain(String kind, List<Drv> graph, int agentCount) throws Exception {
        KilnClient client = new KilnClient(clientUri);
        List<KilnAgentClient> agents = newAgents(client, agentCount);
        int total = graph.size();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicLong lastSuccess = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long limit = System.nanoTime() + SCENARIO_LIMIT.toNanos();
        long[][] latencies = new long[agentCount][];
        int[] latencyCounts = new int[agentCount];
        // When the submission ended: fetches that began before it waited on a coordinator storing the graph.
        AtomicLong submitted = new AtomicLong(Long.MAX_VALUE);
        List<Long> whileSubmitting = Collections.synchronizedList(new ArrayList<>());
        List<Long> afterSubmitting = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        Duration cpuBefore = coordinatorCpu();
        SortedMap<Double, Long> fetchBucketsBefore = serverFetchBuckets();
        long start = System.nanoTime();
        for (int a = 0; a < agentCount; a++) {
            int index = a;
            latencies[a] = new long[16_384];
            Thread thread = new Thread(() -> agentLoop(agents.get(index), index, total, succeeded, lastSuccess,
                    errors, limit, latencies, latencyCounts, submitted, whileSubmitting, afterSubmitting),
                    "agent-" + a);
            thread.start();
            threads.add(thread);
        }
        for (int from = 0; from < total; from += SUBMIT_CHUNK) {
            List<Drv> chunk = graph.subList(from, Math.min(total, from + SUBMIT_CHUNK));
            client.submit(new SubmitBody(
                    chunk.stream().map(d -> new DerivationText(d.path(), d.text())).toList(),
                    chunk.stream().map(d -> new BuildRequest(d.path(), 0, Map.of(), Map.of(), false, false, null))
                            .toList()));
        }
        submitted.set(System.nanoTime());
        double submitSeconds = (submitted.get() - start) / 1e9;
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(limit - System.nanoTime()) + 5_000));
        }
        if (succeeded.get() < total) {
            throw new IllegalStateException(kind + " graph of " + total + " with " + agentCount + " agents: only "
                    + succeeded.get() + " succeeded within " + SCENARIO_LIMIT + " (" + errors.get() + " errors)");
        }
        // The coordinator's own CPU time per build: on a shared machine, steadier than builds per second.
        double cpuMsPerBuild = (coordinatorCpu().minus(cpuBefore).toNanos() / 1e6) / total;
        double drainSeconds = (lastSuccess.get() - start) / 1e9;
        int count = 0;
        for (int c : latencyCounts) {
            count += c;
        }
        long[] all = new long[count];
        int at = 0;
        for (int a = 0; a < agentCount; a++) {
            System.arraycopy(latencies[a], 0, all, at, latencyCounts[a]);
            at += latencyCounts[a];
        }
        Arrays.sort(all);
        long[] early = whileSubmitting.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] late = afterSubmitting.stream().mapToLong(Long::longValue).sorted().toArray();
        double[] server = serverFetchLatency(fetchBucketsBefore, serverFetchBuckets());
        Result memory = measureMemory(kind);
        Result result = new Result(kind, total, agentCount, round(submitSeconds), round(total / submitSeconds),
                round(drainSeconds), round(total / drainSeconds), count, percentile(all, 0.50),
                percentile(all, 0.99), all.length == 0 ? 0 : round(all[all.length - 1] / 1e6),
                percentile(early, 0.99), percentile(late, 0.99), server[0], server[1], memory.rssMb(),
                memory.peakRssMb(), memory.heapMb(), round(cpuMsPerBuild));
        System.out.printf("bench: %s %d builds, %d agents: submit %.2f s (%.0f/s), submit-to-success %.2f s "
                + "(%.0f builds/s), %d fetches p50 %.2f ms p99 %.2f ms (%.2f ms while submitting, %.2f ms after; "
                + "in the coordinator p99 at most %.0f ms, %.1f%% within 20 ms), RSS %.0f MB (peak %.0f), "
                + "heap %.0f MB, coordinator CPU %.2f ms per build, %d errors%n", kind, total, agentCount, submitSeconds,
                result.submitPerS(), drainSeconds, result.buildsPerS(), count, result.fetchP50Ms(), result.fetchP99Ms(),
                result.fetchP99WhileSubmittingMs(), result.fetchP99AfterSubmittingMs(), result.fetchServerP99AtMostMs(),
                result.fetchServerWithin20MsPercent(),
                result.rssMb(), result.peakRssMb(), result.heapMb(), result.cpuMsPerBuild(), errors.get());
        return result;
    }

    /** Agents made through the client API, each having logged in once. */
    private List<KilnAgentClient> newAgents(KilnClient client, int count) throws Exception {
        List<KilnAgentClient> agents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AgentPassword created = client.createAgent(new NewAgentBody("bench-" + (++agentsCreated), "benchmark",
                    List.of(SYSTEM), Map.of()));
            KilnAgentClient agent = new KilnAgentClient(agentUri, created.id(), created.password());
            // As a real agent does when it starts: the coordinator checks its password once (a slow hash by design,
            // then remembered), before the clock starts.
            agent.restarted();
            agents.add(agent);
        }
        return agents;
    }

    /**
     * {@code POST /api/v1/cache/gc} on the outputs of the graphs, while 4 agents keep fetching (empty answers): how
     * long the collection takes and how fetches fare meanwhile.
     */
    private Map<String, Object> collect() throws Exception {
        KilnClient client = new KilnClient(clientUri);
        List<KilnAgentClient> agents = newAgents(client, 4);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        long limit = System.nanoTime() + SCENARIO_LIMIT.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (KilnAgentClient agent : agents) {
            Thread thread = new Thread(() -> {
                while (done.get() == 0 && System.nanoTime() < limit) {
                    try {
                        long before = System.nanoTime();
                        agent.fetch(List.of(SYSTEM), 1, 0.0);
                        latencies.add(System.nanoTime() - before);
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        System.err.println("bench: fetch during the collection: " + e);
                    }
                }
            }, "gc-fetcher");
            thread.start();
            threads.add(thread);
        }
        long start = System.nanoTime();
        GcReportInfo gc = client.collectGarbage(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        done.set(1);
        for (Thread thread : threads) {
            thread.join();
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("paths", gc.paths().size());
        figures.put("objects", gc.objects());
        figures.put("bytes", gc.bytes());
        figures.put("seconds", round(seconds));
        figures.put("fetches", sorted.length);
        figures.put("fetch_p50_ms", percentile(sorted, 0.50));
        figures.put("fetch_p99_ms", percentile(sorted, 0.99));
        System.out.printf("bench: garbage collection of %d paths (%d NARs, %d bytes) in %.2f s; %d fetches meanwhile, "
                + "p50 %.2f ms p99 %.2f ms%n", gc.paths().size(), gc.objects(), gc.bytes(), seconds, sorted.length,
                percentile(sorted, 0.50), percentile(sorted, 0.99));
        return figures;
    }

    private void agentLoop(KilnAgentClient agent, int index, int total, AtomicInteger succeeded,
            AtomicLong lastSuccess, AtomicInteger errors, long limit, long[][] latencies, int[] latencyCounts,
            AtomicLong submitted, List<Long> whileSubmitting, List<Long> afterSubmitting) {
        Path spool = work.resolve("spool-" + index + ".nar.zst");
        int idle = 0;
        while (succeeded.get() < total && System.nanoTime() < limit && errors.get() < 100) {
            try {
                long before = System.nanoTime();
                List<FetchedBuild> builds = agent.fetch(List.of(SYSTEM), 1, 0.0);
                long took = System.nanoTime() - before;
                if (latencyCounts[index] == latencies[index].length) {
                    latencies[index] = Arrays.copyOf(latencies[index], latencies[index].length * 2);
                }
                latencies[index][latencyCounts[index]++] = took;
                (before < submitted.get() ? whileSubmitting : afterSubmitting).add(took);
                if (builds.isEmpty()) {
                    // Back off a little when idle, as a real agent polls: at most 50 ms.
                    Thread.sleep(Math.min(50, 2L << Math.min(idle++, 4)));
                    continue;
                }
                idle = 0;
                for (FetchedBuild build : builds) {
                    buildOne(agent, build, spool);
                    succeeded.incrementAndGet();
                    lastSuccess.accumulateAndGet(System.nanoTime(), Math::max);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                errors.incrementAndGet();
                System.err.println("bench: agent " + index + ": " + e);
            }
        }
    }

    /** Reports the start, uploads each output as a tiny zstd NAR of a file naming it, and reports success. */
    private static void buildOne(KilnAgentClient agent, FetchedBuild build, Path spool) throws Exception {
        StorePath drvPath = STORE.parsePath(build.derivation());
        Derivation derivation = Derivation.parse(drvPath, build.derivationText().getBytes(StandardCharsets.UTF_8));
        agent.started(build.id());
        List<UploadedOutput> outputs = new ArrayList<>();
        for (Map.Entry<String, DerivationOutput> output : derivation.outputs().entrySet()) {
            String path = output.getValue().path().orElseThrow().toString();
            byte[] nar = narOfFile((path + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] compressed = Zstd.compress(nar, 3);
            Files.write(spool, compressed);
            agent.uploadOutput(build.id(), output.getKey(), spool, false, received -> { });
            outputs.add(new UploadedOutput(output.getKey(), path,
                    Hash.of(HashAlgorithm.SHA256, nar).toPrefixedBase32(), nar.length, List.of(), null,
                    compressed.length));
        }
        agent.succeeded(build.id(), outputs);
    }

    /** The NAR of a single regular file, as {@code nix-store --dump} writes it. */
    static byte[] narOfFile(byte[] contents) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(contents.length + 128);
        for (String token : new String[] {"nix-archive-1", "(", "type", "regular", "contents"}) {
            narString(out, token.getBytes(StandardCharsets.US_ASCII));
        }
        narString(out, contents);
        narString(out, ")".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static void narString(java.io.ByteArrayOutputStream out, byte[] bytes) {
        long length = bytes.length;
        for (int i = 0; i < 8; i++) {
            out.write((int) (length >>> (8 * i)) & 0xff);
        }
        out.write(bytes, 0, bytes.length);
        for (int pad = (8 - bytes.length % 8) % 8; pad > 0; pad--) {
            out.write(0);
        }
    }

    // ---- NAR upload throughput ----

    /**
     * Uploads one large output (a NAR of {@code mib} MiB of partly compressible bytes, zstd-compressed beforehand as
     * an agent's spool holds it) and reports success, which makes the coordinator decompress and hash it; three
     * times. Answers the best NAR MB/s and the compressed bytes' MB/s of that run.
     */
    private double[] upload(int mib, String when) throws Exception {
        Path tree = work.resolve("upload-tree");
        Files.createDirectories(tree);
        Path file = tree.resolve("payload.bin");
        Random random = new Random(7);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                // Bytes from 64 symbols: zstd makes them about 3/4 their size, as build outputs often are.
                for (int j = 0; j < block.length; j++) {
                    block[j] = (byte) (48 + random.nextInt(64));
                }
                out.write(block);
            }
        }
        Path spool = work.resolve("upload.nar.zst");
        Hash narHash;
        long narSize;
        try (HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256,
                new ZstdOutputStream(Files.newOutputStream(spool), 1))) {
            NarWriter.write(file, hashing);
            hashing.flush();
            narHash = hashing.digest().narHash();
            narSize = hashing.digest().narSize();
        }
        long fileSize = Files.size(spool);
        KilnClient client = new KilnClient(clientUri);
        AgentPassword created = client.createAgent(new NewAgentBody("bench-upload-" + System.nanoTime(), "benchmark",
                List.of(SYSTEM), Map.of()));
        KilnAgentClient agent = new KilnAgentClient(agentUri, created.id(), created.password());
        double best = 0;
        double bestWire = 0;
        for (int run = 0; run < 3; run++) {
            Drv drv = generate("upload" + run + "-" + System.nanoTime(), 1).get(0);
            client.submit(new SubmitBody(List.of(new DerivationText(drv.path(), drv.text())),
                    List.of(new BuildRequest(drv.path(), 100, Map.of(), Map.of(), false, false, null))));
            FetchedBuild build = null;
            for (int attempt = 0; attempt < 200 && build == null; attempt++) {
                List<FetchedBuild> builds = agent.fetch(List.of(SYSTEM), 1, 0.0);
                if (builds.isEmpty()) {
                    Thread.sleep(50);
                } else {
                    build = builds.get(0);
                }
            }
            if (build == null) {
                throw new IllegalStateException("the upload build was never handed out");
            }
            Derivation derivation = Derivation.parse(STORE.parsePath(build.derivation()),
                    build.derivationText().getBytes(StandardCharsets.UTF_8));
            String outPath = derivation.outputs().get("out").path().orElseThrow().toString();
            agent.started(build.id());
            long start = System.nanoTime();
            agent.uploadOutput(build.id(), "out", spool, false, received -> { });
            agent.succeeded(build.id(), List.of(new UploadedOutput("out", outPath, narHash.toPrefixedBase32(),
                    narSize, List.of(), null, fileSize)));
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = narSize / 1e6 / seconds;
            System.out.printf("bench: upload run %d (%s): NAR %.0f MB (%.0f MB zstd) uploaded and checked in %.2f s: "
                    + "%.0f MB/s of NAR, %.0f MB/s on the wire%n", run + 1, when, narSize / 1e6, fileSize / 1e6,
                    seconds, rate, fileSize / 1e6 / seconds);
            if (rate > best) {
                best = rate;
                bestWire = fileSize / 1e6 / seconds;
            }
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(spool);
        return new double[] {best, bestWire};
    }

    // ---- memory ----

    private Duration coordinatorCpu() {
        return coordinator.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private Result measureMemory(String kind) throws Exception {
        long pid = coordinator.pid();
        double rss = 0;
        double peak = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            } else if (line.startsWith("VmHWM:")) {
                peak = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return new Result(kind, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, round(rss), round(peak),
                round(heapUsedMb(pid)), 0);
    }

    /** The heap in use after a full collection, from {@code jcmd} of the JDK running this program. */
    private static double heapUsedMb(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String text = runFor(List.of(jcmd.toString(), Long.toString(pid), "GC.run"), 60)
                + runFor(List.of(jcmd.toString(), Long.toString(pid), "GC.heap_info"), 60);
        Matcher matcher = Pattern.compile("heap\\s+total[^,]*,\\s*committed\\s+\\d+K,\\s*used\\s+(\\d+)K").matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) / 1024.0 : -1;
    }

    private static String runFor(List<String> command, int seconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    // ---- output ----

    private static void writeChartData(List<DatabaseRun> runs, Path file) throws IOException {
        StringBuilder text = new StringBuilder("# label builds_per_s submit_per_s fetch_p99_ms\n");
        for (DatabaseRun run : runs) {
            List<Result> results = new ArrayList<>(run.results());
            if (run.cold() != null) {
                results.add(0, run.cold());
            }
            String database = runs.size() > 1 ? run.database() + " " : "";
            for (Result result : results) {
                if (result.builds() > 0) {
                    String kind = switch (result.graph()) {
                        case "generated" -> "";
                        case "cold" -> "cold ";
                        default -> "nix ";
                    };
                    text.append('"').append(database).append(kind).append(result.builds()).append("b/")
                            .append(result.agents()).append("a\" ").append(result.buildsPerS()).append(' ')
                            .append(result.submitPerS()).append(' ').append(result.fetchP99Ms()).append('\n');
                }
            }
        }
        Files.writeString(file, text);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern FETCH_BUCKET = Pattern.compile(
            "kiln_http_request_duration_seconds_bucket\\{route=\"POST /agent/v1/fetch\",le=\"([^\"]+)\"\\} (\\d+)");

    /** The coordinator's own cumulative counts of fetches by latency bucket (its upper bound in seconds). */
    private SortedMap<Double, Long> serverFetchBuckets() throws IOException, InterruptedException {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(clientUri.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        SortedMap<Double, Long> buckets = new TreeMap<>();
        Matcher bucket = FETCH_BUCKET.matcher(metrics.body());
        while (bucket.find()) {
            double bound = bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY
                    : Double.parseDouble(bucket.group(1));
            buckets.put(bound, Long.parseLong(bucket.group(2)));
        }
        return buckets;
    }

    /**
     * The fetches of a scenario as the coordinator timed them (its handler, from the request read to the answer
     * written): the bound of the bucket holding the 99th percentile, in ms, and the share within 20 ms, in percent.
     */
    private static double[] serverFetchLatency(SortedMap<Double, Long> before, SortedMap<Double, Long> after) {
        double all = Double.POSITIVE_INFINITY;
        long total = after.getOrDefault(all, 0L) - before.getOrDefault(all, 0L);
        if (total <= 0) {
            return new double[] {0, 0};
        }
        double p99Bound = Double.POSITIVE_INFINITY;
        for (Map.Entry<Double, Long> bucket : after.entrySet()) {
            long count = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0L);
            if (count >= 0.99 * total) {
                p99Bound = bucket.getKey();
                break;
            }
        }
        long within20 = after.getOrDefault(0.02, 0L) - before.getOrDefault(0.02, 0L);
        return new double[] {round(p99Bound * 1000), round(100.0 * within20 / total)};
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return round(sorted[Math.max(0, index)] / 1e6);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static {
        // Checks the hand-written NAR against the store's writer once, so every upload carries a true NarHash.
        try {
            Path file = Files.createTempFile("bench-nar", ".txt");
            Files.writeString(file, "check\n");
            byte[] nar;
            try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
                NarWriter.write(file, out);
                nar = out.toByteArray();
            }
            Files.delete(file);
            if (!Arrays.equals(nar, narOfFile("check\n".getBytes(StandardCharsets.UTF_8)))) {
                throw new IllegalStateException("the NAR written by hand differs from NarWriter's");
            }
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
