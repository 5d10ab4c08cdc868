package dev.kiln.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import dev.kiln.allocator.internal.AllocatorActor;
import dev.kiln.allocator.internal.BasicStrategy;
import dev.kiln.allocator.internal.DerivationOrderedStrategy;
import dev.kiln.allocator.internal.PlanProbe;
import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.FetchRequest;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.allocation.AllocationStrategy;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.coordinator.internal.AgentBuildLifecycle;
import dev.kiln.coordinator.internal.BuildLifecycle;
import dev.kiln.datastore.jpa.internal.DatastoreOptions;
import dev.kiln.datastore.jpa.internal.JpaDatastore;

/**
 * The coordinator core's figures: choosing builds for a fetch, submitting a graph, and heap with many builds
 * stored. Runs on the bundles' classes on a plain class path (see run.sh); prints one line per figure.
 */
public final class CoreBenchmark {

    static final String[] SYSTEMS = {"x86_64-linux", "aarch64-linux", "i686-linux", "riscv64-linux"};

    private CoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        Path work = Path.of(args.length > 1 ? args[1] : "target/benchmark");
        Files.createDirectories(work);
        switch (mode) {
            case "fetch" -> fetchInMemory();
            case "fetch-db" -> fetchWithDerby(work);
            case "submit" -> submitGraph(work);
            case "fill" -> fillMillion(work);
            case "heap" -> heapWithMillion(work);
            default -> throw new IllegalArgumentException("modes: fetch, fetch-db, submit, fill, heap");
        }
    }

    /** A layered dependency graph: build i of a system needs up to three earlier builds of the same system. */
    static List<DerivationSummary> graph(String prefix, int size, long seed) {
        Random random = new Random(seed);
        List<DerivationSummary> derivations = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String system = SYSTEMS[i % SYSTEMS.length];
            Map<String, Set<String>> inputs = new TreeMap<>();
            int sameSystemIndex = i / SYSTEMS.length;
            int count = sameSystemIndex == 0 ? 0 : random.nextInt(4);
            for (int k = 0; k < count; k++) {
                int back = 1 + random.nextInt(Math.min(sameSystemIndex, 500));
                inputs.put(derivations.get(i - back * SYSTEMS.length).path(), Set.of("out"));
            }
            String name = prefix + "-" + i;
            String out = storePath(name);
            derivations.add(new DerivationSummary(storePath(name + ".drv"), system, Map.of("out", out), inputs,
                    Set.of(storePath(name + "-src")),
                    "Derive([(\"out\",\"" + out + "\",\"\",\"\")],[],[],\"" + system + "\",\"/bin/sh\",[],[])"));
        }
        return derivations;
    }

    static String storePath(String name) {
        return "/nix/store/" + String.format("%032x", name.hashCode() & 0xffffffffL) + "-" + name;
    }

    /** Choosing builds from the in-memory plan: 100,000 scheduled builds, 100 agents over 4 systems. */
    static void fetchInMemory() {
        for (AllocationStrategy strategy : List.of(new BasicStrategy(), new DerivationOrderedStrategy())) {
            for (int round = 0; round < 2; round++) {
                List<DerivationSummary> graph = graph("mem" + round, 100_000, 42 + round);
                PlanProbe plan = new PlanProbe(strategy, 8);
                List<UUID> agents = agents(plan);
                long loadStart = System.nanoTime();
                Random random = new Random(7);
                long sequence = 0;
                for (DerivationSummary derivation : graph) {
                    plan.put(new PendingBuild(UUID.randomUUID(), ++sequence, derivation.path(), derivation.system(),
                            random.nextInt(10), Set.of(), derivation.inputDerivations().keySet(),
                            BuildState.SCHEDULED, null, null), 0);
                }
                double loadMillis = (System.nanoTime() - loadStart) / 1e6;
                String before = plan.statistics().toString();
                long[] latencies = new long[20_000];
                Map<UUID, Deque<UUID>> running = new HashMap<>();
                for (int i = 0; i < latencies.length; i++) {
                    UUID agent = agents.get(i % agents.size());
                    Deque<UUID> mine = running.computeIfAbsent(agent, k -> new ArrayDeque<>());
                    while (mine.size() > 4) {
                        plan.remove(mine.poll(), i);
                    }
                    long start = System.nanoTime();
                    List<UUID> chosen = plan.choose(agent, Set.of(), 4);
                    latencies[i] = System.nanoTime() - start;
                    for (UUID build : chosen) {
                        plan.allocated(build, agent);
                        plan.started(build, i);
                        mine.add(build);
                    }
                }
                if (round == 1) {
                    print("fetch-choose", strategy.name() + ": 100,000 scheduled builds in a graph, 100 agents, "
                            + "4 systems; plan loaded in " + Math.round(loadMillis) + " ms; " + before + "; "
                            + percentiles(latencies) + " over " + latencies.length + " fetches of 4");
                }
            }
        }
    }

    /** The agent fetch end to end on Derby: heartbeat, allocation committed, builds returned. */
    static void fetchWithDerby(Path work) throws Exception {
        Path directory = Files.createTempDirectory(work, "fetch-");
        JpaDatastore datastore = JpaDatastore.open(DatastoreOptions.embeddedDerby(directory.resolve("db")));
        AllocatorActor allocator = AllocatorActor.start(datastore, new DerivationOrderedStrategy(), 8);
        BuildLifecycle builds = BuildLifecycle.create(datastore, allocator);
        List<DerivationSummary> graph = graph("db", 100_000, 1);
        long submitStart = System.nanoTime();
        for (int from = 0; from < graph.size(); from += 10_000) {
            System.out.println("submitting builds " + from + " to " + (from + 10_000));
            List<DerivationSummary> chunk = graph.subList(from, from + 10_000);
            builds.submit(new SubmitRequest(chunk, chunk.stream()
                    .map(d -> new BuildSubmission(d.path(), SubmitOptions.DEFAULT)).toList()));
        }
        double submitSeconds = (System.nanoTime() - submitStart) / 1e9;
        allocator.stop();
        long rebuildStart = System.nanoTime();
        allocator = AllocatorActor.start(datastore, new DerivationOrderedStrategy(), 8);
        List<UUID> agents = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Agent agent = new Agent(UUID.randomUUID(), "agent-" + i, "", Set.of(SYSTEMS[i % SYSTEMS.length]),
                    Set.of(), true, Instant.now(), null);
            datastore.write(tx -> {
                tx.insertAgent(agent, "unused");
                return null;
            });
            allocator.agentChanged(agent);
            agents.add(agent.id());
        }
        String statistics = allocator.statistics().toString();
        double rebuildMillis = (System.nanoTime() - rebuildStart) / 1e6;
        AgentBuildLifecycle agentBuilds = AgentBuildLifecycle.create(datastore, allocator);
        Map<UUID, Deque<Build>> running = new HashMap<>();
        long[] latencies = new long[3_000];
        for (int i = 0; i < latencies.length; i++) {
            UUID agent = agents.get(i % agents.size());
            Deque<Build> mine = running.computeIfAbsent(agent, k -> new ArrayDeque<>());
            while (mine.size() > 2) {
                Build done = mine.poll();
                agentBuilds.reportStarted(agent, done.id());
                agentBuilds.reportFailure(agent, done.id());
            }
            long start = System.nanoTime();
            List<Build> fetched = agentBuilds.fetch(agent, new FetchRequest(Set.of(), 2));
            latencies[i] = System.nanoTime() - start;
            for (Build build : fetched) {
                if (mine.stream().noneMatch(held -> held.id().equals(build.id()))) {
                    mine.add(build);
                }
            }
        }
        print("fetch-derby", "100,000 builds submitted in " + String.format("%.1f", submitSeconds)
                + " s (10 requests); allocator rebuilt from the database in " + Math.round(rebuildMillis) + " ms ("
                + statistics + "); whole fetch (heartbeat + choose + allocation committed): "
                + percentiles(Arrays.copyOfRange(latencies, 500, latencies.length)) + " over "
                + (latencies.length - 500) + " fetches of 2 after 500 warm-up");
        allocator.stop();
        datastore.close();
    }

    /** Submitting a 10,000-derivation graph in one request, on a new Derby database. */
    static void submitGraph(Path work) throws Exception {
        for (int run = 0; run < 3; run++) {
            Path directory = Files.createTempDirectory(work, "submit-");
            JpaDatastore datastore = JpaDatastore.open(DatastoreOptions.embeddedDerby(directory.resolve("db")));
            AllocatorActor allocator = AllocatorActor.start(datastore, new DerivationOrderedStrategy(), 8);
            BuildLifecycle builds = BuildLifecycle.create(datastore, allocator);
            List<DerivationSummary> graph = graph("submit" + run, 10_000, run);
            SubmitRequest request = new SubmitRequest(graph, graph.stream()
                    .map(d -> new BuildSubmission(d.path(), SubmitOptions.DEFAULT)).toList());
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            int created = builds.submit(request).size();
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            print("submit", "run " + (run + 1) + (run == 0 ? " (cold JVM)" : "") + ": " + created
                    + " derivations and builds in one request on Derby in " + String.format("%.2f", seconds)
                    + " s (CPU time of the submitting thread " + String.format("%.2f", cpuSeconds) + " s)");
            allocator.stop();
            datastore.close();
        }
    }

    /** A Derby database with 1,000,000 builds (99% finished), written with plain JDBC batches for speed. */
    static void fillMillion(Path work) throws Exception {
        Path directory = work.resolve("million");
        JpaDatastore.open(DatastoreOptions.embeddedDerby(directory)).close();
        Properties none = new Properties();
        long start = System.nanoTime();
        try (Connection connection = new org.apache.derby.jdbc.EmbeddedDriver().connect(
                "jdbc:derby:" + directory.toAbsolutePath(), none)) {
            connection.setAutoCommit(false);
            int total = 1_000_000;
            try (PreparedStatement drv = connection.prepareStatement(
                    "INSERT INTO derivation (path, system_name, aterm, created_at) VALUES (?, ?, ?, ?)");
                    PreparedStatement out = connection.prepareStatement(
                            "INSERT INTO derivation_output (drv_path, output_name, path) VALUES (?, 'out', ?)");
                    PreparedStatement build = connection.prepareStatement("INSERT INTO build (id, seq, drv_path, "
                            + "system_name, priority, state, submitted_at, state_changed_at, finished_at, "
                            + "setup_failures) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, 0)")) {
                for (int i = 0; i < total; i++) {
                    String name = "million-" + i;
                    String path = storePath(name + ".drv");
                    String system = SYSTEMS[i % SYSTEMS.length];
                    drv.setString(1, path);
                    drv.setString(2, system);
                    drv.setString(3, "Derive([(\"out\",\"" + storePath(name) + "\",\"\",\"\")],[],[],\"" + system
                            + "\",\"/bin/sh\",[],[])");
                    drv.setLong(4, i);
                    drv.addBatch();
                    out.setString(1, path);
                    out.setString(2, storePath(name));
                    out.addBatch();
                    boolean finished = i < total - 10_000;
                    build.setString(1, UUID.randomUUID().toString());
                    build.setLong(2, i + 1L);
                    build.setString(3, path);
                    build.setString(4, system);
                    build.setString(5, finished ? (i % 10 == 0 ? "failed" : "succeeded") : "scheduled");
                    build.setLong(6, i);
                    build.setLong(7, i);
                    if (finished) {
                        build.setLong(8, i);
                    } else {
                        build.setNull(8, java.sql.Types.BIGINT);
                    }
                    build.addBatch();
                    if (i % 5_000 == 4_999) {
                        drv.executeBatch();
                        out.executeBatch();
                        build.executeBatch();
                        connection.commit();
                    }
                }
            }
            connection.commit();
        }
        try {
            new org.apache.derby.jdbc.EmbeddedDriver().connect("jdbc:derby:" + directory.toAbsolutePath()
                    + ";shutdown=true", none);
        } catch (java.sql.SQLException expected) {
            // Derby confirms a shutdown with an exception.
        }
        print("fill", "1,000,000 builds (10,000 scheduled) and their derivations written in "
                + Math.round((System.nanoTime() - start) / 1e9) + " s");
    }

    /** The coordinator's core on the million-build database: start, list, submit, fetch; heap used. */
    static void heapWithMillion(Path work) throws Exception {
        long start = System.nanoTime();
        JpaDatastore datastore = JpaDatastore.open(DatastoreOptions.embeddedDerby(work.resolve("million")));
        AllocatorActor allocator = AllocatorActor.start(datastore, new DerivationOrderedStrategy(), 8);
        BuildLifecycle builds = BuildLifecycle.create(datastore, allocator);
        AgentBuildLifecycle agentBuilds = AgentBuildLifecycle.create(datastore, allocator);
        String statistics = allocator.statistics().toString();
        double startSeconds = (System.nanoTime() - start) / 1e9;
        BuildQuery query = BuildQuery.all(1000);
        int listed = 0;
        for (int page = 0; page < 50 && query != null; page++) {
            var result = builds.list(query);
            listed += result.builds().size();
            query = result.nextCursor() == null ? null : query.withCursor(result.nextCursor());
        }
        listed += builds.list(BuildQuery.all(1000).withStates(Set.of(BuildState.FAILED))).builds().size();
        List<DerivationSummary> graph = graph("heap", 5_000, 3);
        builds.submit(new SubmitRequest(graph, graph.stream()
                .map(d -> new BuildSubmission(d.path(), SubmitOptions.DEFAULT)).toList()));
        List<UUID> agents = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Agent agent = new Agent(UUID.randomUUID(), "agent-" + i, "", Set.of(SYSTEMS[i % SYSTEMS.length]),
                    Set.of(), true, Instant.now(), null);
            datastore.write(tx -> {
                tx.insertAgent(agent, "unused");
                return null;
            });
            allocator.agentChanged(agent);
            agents.add(agent.id());
        }
        int fetched = 0;
        for (int i = 0; i < 500; i++) {
            fetched += agentBuilds.fetch(agents.get(i % agents.size()), new FetchRequest(Set.of(), 2)).size();
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long max = Runtime.getRuntime().maxMemory();
        print("heap", "1,000,000 builds stored: started in " + String.format("%.1f", startSeconds) + " s ("
                + statistics + "), listed " + listed + " builds in pages of 1000, submitted a 5,000-derivation "
                + "graph, " + fetched + " builds fetched by 100 agents; max heap " + mib(max) + " MiB, peak heap "
                + "used " + mib(peak) + " MiB (sum of pool peaks), after a full GC " + mib(used) + " MiB");
        allocator.stop();
        datastore.close();
    }

    private static List<UUID> agents(PlanProbe plan) {
        List<UUID> agents = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            UUID id = UUID.randomUUID();
            plan.putAgent(new Agent(id, "agent-" + i, "", Set.of(SYSTEMS[i % SYSTEMS.length]), Set.of(), true,
                    Instant.EPOCH, null));
            agents.add(id);
        }
        return agents;
    }

    private static String percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("p50 %.1f µs, p99 %.1f µs, max %.1f µs", sorted[sorted.length / 2] / 1e3,
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e3, sorted[sorted.length - 1] / 1e3);
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    private static void print(String figure, String text) {
        System.out.println(figure + ": " + text);
    }
}
