package dev.kiln.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.kiln.agent.internal.CoordinatorConnection.AllocatedBuild;
import dev.kiln.agent.internal.CoordinatorConnection.OutputReport;
import dev.kiln.execution.BuildExecutor;
import dev.kiln.execution.BuildRequest;
import dev.kiln.execution.BuildResult;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.store.NixBase32;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarReader;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.store.narinfo.NixSecretKey;
import dev.kiln.store.narinfo.NixPublicKey;
import picocli.CommandLine;

/**
 * The fetch loop against a coordinator in memory and an executor that writes what the builder's script says: builds
 * are set up, run, uploaded (resuming a broken upload) and reported; missing inputs are a setup failure; a graceful
 * stop hands back what does not finish in time; a restart reports what was finished and hands back the rest.
 */
class FetchLoopTest {

    @TempDir
    Path temporary;

    private StoreDir storeDir;
    private final FakeCoordinator coordinator = new FakeCoordinator();

    @BeforeEach
    void storeDirectory() throws IOException {
        storeDir = new StoreDir(Files.createDirectories(temporary.resolve("store")).toString());
    }

    /**
     * An executor whose builder "fails" when its script says so, blocks when it says "block", throws an unexpected
     * exception or error on "throw" and "error", else writes $out.
     */
    private final BuildExecutor executor = request -> {
        String script = request.derivation().args().get(0);
        request.log().write(("running " + script + "\n").getBytes(StandardCharsets.UTF_8));
        if (script.equals("block")) {
            new CountDownLatch(1).await();
        }
        if (script.equals("throw")) {
            throw new IllegalStateException("a bug in the executor");
        }
        if (script.equals("error")) {
            throw new StackOverflowError("deep in the executor");
        }
        if (script.equals("fail")) {
            return BuildResult.builderFailed("builder failed with exit code 3", Duration.ZERO, 3);
        }
        TreeMap<String, BuiltOutput> outputs = new TreeMap<>();
        for (Map.Entry<String, DerivationOutput> output : request.derivation().outputs().entrySet()) {
            StorePath path = output.getValue().path().orElseThrow();
            Path file = request.storeRoot().resolve(path.baseName());
            Files.writeString(file, script + " refers to " + request.inputClosure());
            if (script.equals("large")) {
                // Beyond what is compressed in memory, and not compressible to nothing.
                byte[] noise = new byte[(int) Uploader.IN_MEMORY_NAR_SIZE * 2];
                new java.util.Random(42).nextBytes(noise);
                Files.write(file, noise);
            }
            outputs.put(output.getKey(), new BuiltOutput(output.getKey(), path, NarWriter.digest(file),
                    new TreeSet<>(request.inputClosure())));
        }
        return new BuildResult(BuildResult.Status.SUCCEEDED, "", outputs, Duration.ZERO);
    };

    private AllocatedBuild build(String name, String script, List<StorePath> inputSources) {
        char hash = NixBase32.ALPHABET.charAt(Math.floorMod(name.hashCode(), 32));
        StorePath out = storeDir.parseBaseName(String.valueOf(hash).repeat(32) + "-" + name);
        Derivation derivation = new Derivation(storeDir, name,
                new TreeMap<>(Map.of("out", new DerivationOutput.InputAddressed(out))), new TreeMap<>(),
                new TreeSet<>(inputSources), "x86_64-linux", "/bin/sh", List.of(script),
                new TreeMap<>(Map.of("out", out.toString())));
        return new AllocatedBuild(UUID.randomUUID(), derivation.drvPath().toString(),
                new String(derivation.toAterm(), StandardCharsets.UTF_8), "x86_64-linux");
    }

    /** @return the path of the build's output {@code out}, the first in its text */
    private StorePath outputOf(AllocatedBuild build) {
        return storeDir.parsePath(build.derivationText().split("\"")[3]);
    }

    private BuildJob.Services services(Duration stopTimeout) throws IOException {
        return services(stopTimeout, List.of(), List.of(), false);
    }

    private BuildJob.Services services(Duration stopTimeout, List<Substituter.BinaryCache> caches,
            List<NixPublicKey> trustedKeys, boolean nixManagesStore) throws IOException {
        return services(stopTimeout, caches, trustedKeys, nixManagesStore, AgentSettings.Admission.ALWAYS);
    }

    private BuildJob.Services services(Duration stopTimeout, List<Substituter.BinaryCache> caches,
            List<NixPublicKey> trustedKeys, boolean nixManagesStore, AgentSettings.Admission admission)
            throws IOException {
        AgentSettings settings = new AgentSettings(URI.create("http://127.0.0.1:1/"), List.of("x86_64-linux"), 2, storeDir, Path.of(storeDir.path()),
                temporary.resolve("state"), List.of(), List.of(), nixManagesStore, null, Duration.ZERO, Duration.ZERO, 1,
                Duration.ofMillis(100), Duration.ofMillis(20), stopTimeout, Duration.ofMillis(10), Duration.ofMillis(100),
                AgentSettings.Features.NONE, admission);
        LocalStore store = new LocalStore(storeDir, settings.storeRoot(), settings.stateDirectory());
        return new BuildJob.Services(coordinator, store,
                new Substituter(store, caches, trustedKeys, HttpClient.newHttpClient()),
                new Uploader(coordinator, store, settings.stateDirectory(), 1, Duration.ofMillis(10)), executor,
                new KnownDerivations(coordinator), new BuildDirectories(settings.buildsDirectory()), settings);
    }

    private static void runQuietly(FetchLoop loop) {
        try {
            loop.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ConnectionState.RefusedAtStart e) {
            throw new AssertionError(e);
        }
    }

    /** Runs a fetch loop until the condition holds, then stops it gracefully. */
    private static void runUntil(BuildJob.Services services, BooleanSupplier condition, String what) throws Exception {
        FetchLoop loop = new FetchLoop(services, new HeldBuilds(services.settings().stateDirectory()));
        Thread thread = Thread.ofVirtual().start(() -> runQuietly(loop));
        await(condition, what);
        loop.stop();
        thread.join(Duration.ofSeconds(10));
        assertFalse(thread.isAlive());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void fetchesNothingWhileShortOfDiskAndSaysWhy() throws Exception {
        long free = Files.getFileStore(temporary).getUsableSpace();
        BuildJob.Services services = services(Duration.ofSeconds(5), List.of(), List.of(), false,
                new AgentSettings.Admission(free + (1L << 40), 0));
        coordinator.queue.add(build("waiting", "hello", List.of()));
        runUntil(services, () -> coordinator.idleReasons.size() >= 2, "two heartbeats say why");
        assertTrue(coordinator.freeSlotsAsked.isEmpty(), "nothing fetched: " + coordinator.freeSlotsAsked);
        assertTrue(coordinator.idleReasons.get(0).startsWith("free disk "), coordinator.idleReasons.toString());
        assertTrue(coordinator.idleReasons.get(0).contains("is below --min-free-disk"), coordinator.idleReasons.toString());

        coordinator.idleReasons.clear();
        runUntil(services(Duration.ofSeconds(5), List.of(), List.of(), false, new AgentSettings.Admission(1, 0)),
                () -> !coordinator.successes.isEmpty(), "with room on the disk, the build is fetched and built");
    }

    @Test
    void buildsUploadsAndReportsEachBuild() throws Exception {
        BuildJob.Services services = services(Duration.ofSeconds(5));
        AllocatedBuild first = build("first", "hello", List.of());
        StorePath firstOut = outputOf(first);
        services.store().register(firstOut, NarWriter.digest(Files.writeString(services.store().files(firstOut), "stale")),
                new TreeSet<>());
        StorePath missing = storeDir.parseBaseName("x".repeat(32) + "-missing-source");
        AllocatedBuild failing = build("failing", "fail", List.of());
        AllocatedBuild missingInputs = build("missing-inputs", "hello", List.of(missing));
        coordinator.breakUploadAfter = 10;
        coordinator.queue.addAll(List.of(first, failing, missingInputs));
        runUntil(services, () -> coordinator.successes.size() + coordinator.failures.size()
                + coordinator.setupFailures.size() == 3, "all three builds are reported");

        OutputReport report = coordinator.successes.get(first.id()).get(0);
        byte[] compressed = coordinator.uploads.get(first.id() + "/out");
        assertEquals(report.fileSize(), compressed.length);
        assertEquals(List.of(false, true), coordinator.resumeAsked, "only the retry of the broken upload asks");
        assertEquals(List.of(0, 10), coordinator.resumedFrom, "the broken upload resumed from the bytes held");
        try (InputStream nar = Compression.ZSTD.decompress(new ByteArrayInputStream(compressed))) {
            NarReader reader = new NarReader(nar);
            int entries = 0;
            while (reader.next() != null) {
                entries++;
            }
            assertEquals(1, entries);
            assertEquals(report.narHash(), reader.digest().narHash().toPrefixedBase32());
            assertEquals(report.narSize(), reader.digest().narSize());
        }
        assertEquals("hello refers to []", Files.readString(services.store().files(firstOut)));
        assertTrue(services.store().isValid(firstOut));
        assertTrue(coordinator.logs.get(first.id()).toString(StandardCharsets.UTF_8).contains("running hello"));
        assertTrue(coordinator.failures.contains(failing.id()));
        assertTrue(coordinator.logs.get(failing.id()).toString(StandardCharsets.UTF_8).contains("exit code 3"));
        assertEquals(3, coordinator.exitStatuses.get(failing.id()), "the builder's exit status is reported");
        assertEquals(List.of(missing.toString()), coordinator.setupFailures.get(missingInputs.id()));
        assertFalse(coordinator.started.contains(missingInputs.id()), "a build that cannot be set up is not started");
        assertEquals(0, coordinator.restarts);
        assertTrue(new HeldBuilds(services.settings().stateDirectory()).held().isEmpty());
    }

    @Test
    void spoolsOnlyLargeOutputsAndLeavesNoSpoolFileBehind() throws Exception {
        Path leftover = Files.createDirectories(temporary.resolve("state/spool/" + UUID.randomUUID()))
                .resolve("out.nar.zst");
        Files.writeString(leftover, "left by a crash");
        BuildJob.Services services = services(Duration.ofSeconds(5));
        AllocatedBuild large = build("large", "large", List.of());
        AllocatedBuild small = build("small", "hello", List.of());
        coordinator.breakUploadAfter = 100_000;
        coordinator.queue.addAll(List.of(large, small));
        runUntil(services, () -> coordinator.successes.size() == 2, "both builds are reported");

        assertEquals(Set.of(large.id()), coordinator.spooledUploads);
        assertTrue(coordinator.resumedFrom.contains(100_000), coordinator.resumedFrom::toString);
        for (AllocatedBuild build : List.of(large, small)) {
            OutputReport report = coordinator.successes.get(build.id()).get(0);
            byte[] compressed = coordinator.uploads.get(build.id() + "/out");
            assertEquals(report.fileSize(), compressed.length);
            try (InputStream nar = Compression.ZSTD.decompress(new ByteArrayInputStream(compressed))) {
                NarReader reader = new NarReader(nar);
                while (reader.next() != null) {
                    // The digest covers the whole NAR.
                }
                assertEquals(NarWriter.digest(services.store().files(outputOf(build))).narHash().toPrefixedBase32(),
                        reader.digest().narHash().toPrefixedBase32());
                assertEquals(report.narHash(), reader.digest().narHash().toPrefixedBase32());
            }
        }
        try (Stream<Path> spooled = Files.list(temporary.resolve("state/spool"))) {
            assertEquals(List.of(), spooled.toList(), "no spool file outlives its upload, nor a crash");
        }
    }

    @Test
    void holdsNoMoreBuildsThatHaveNotStartedThanItHasSlots() throws Exception {
        BuildJob.Services services = services(Duration.ofSeconds(5));
        List<AllocatedBuild> builds = java.util.stream.IntStream.range(0, 6)
                .mapToObj(index -> build("build-" + index, "hello", List.of())).toList();
        coordinator.startsOpen = new CountDownLatch(1);
        coordinator.queue.addAll(builds);
        java.util.concurrent.atomic.AtomicInteger queuedWhileStartsWait = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread opener = Thread.ofVirtual().start(() -> {
            try {
                await(() -> coordinator.startRequests.get() >= 2, "two builds report their start");
                // Time enough to fetch more, had the agent asked for builds it could not start.
                Thread.sleep(300);
                queuedWhileStartsWait.set(coordinator.queue.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                coordinator.startsOpen.countDown();
            }
        });
        runUntil(services, () -> coordinator.successes.size() == builds.size(), "the six builds succeed");
        opener.join();
        assertEquals(4, queuedWhileStartsWait.get(), "two slots, two builds taken until their starts are recorded");
        assertTrue(coordinator.freeSlotsAsked.stream().allMatch(slots -> slots == 2),
                () -> "asked for " + coordinator.freeSlotsAsked + " with two slots");
        assertTrue(coordinator.runningSaid.stream().allMatch(running -> running >= 0 && running <= 2),
                () -> "said " + coordinator.runningSaid + " builders ran, with two slots");
    }

    @Test
    void anUnexpectedErrorReportsTheBuildAndGivesItsSlotBack() throws Exception {
        BuildJob.Services services = services(Duration.ofSeconds(5));
        AllocatedBuild throwing = build("throwing", "throw", List.of());
        AllocatedBuild erring = build("erring", "error", List.of());
        AllocatedBuild unstartable = build("unstartable", "hello", List.of());
        AllocatedBuild last = build("last", "hello", List.of());
        coordinator.unexpectedErrorOnStart = unstartable.id();
        // Two slots: the last two builds run only if the first two give theirs back.
        coordinator.queue.addAll(List.of(throwing, erring, unstartable, last));
        runUntil(services, () -> coordinator.successes.containsKey(last.id()) && coordinator.failures.size() == 2
                && coordinator.setupFailures.containsKey(unstartable.id()), "every build is reported");

        assertEquals(Set.of(throwing.id(), erring.id()), coordinator.failures);
        assertTrue(coordinator.logs.get(throwing.id()).toString(StandardCharsets.UTF_8).contains("a bug in the executor"));
        assertTrue(coordinator.logs.get(erring.id()).toString(StandardCharsets.UTF_8).contains("StackOverflowError"));
        assertEquals(List.of(), coordinator.setupFailures.get(unstartable.id()), "handed back, nothing missing");
        assertEquals(0, coordinator.restarts);
        assertTrue(new HeldBuilds(services.settings().stateDirectory()).held().isEmpty());
    }

    @Test
    void aSlotIsFreeWhileTheOutputsOfItsLastBuildGoUp() throws Exception {
        BuildJob.Services services = services(Duration.ofSeconds(5));
        List<AllocatedBuild> builds = List.of(build("one", "hello", List.of()), build("two", "hello", List.of()),
                build("three", "hello", List.of()));
        coordinator.uploadsOpen = new CountDownLatch(1);
        coordinator.queue.addAll(builds);
        // Two slots, and no upload ends before the three builds have started.
        runUntil(services, () -> {
            if (coordinator.started.size() == builds.size()) {
                coordinator.uploadsOpen.countDown();
            }
            return coordinator.successes.size() == builds.size();
        }, "the three builds start, then succeed");
        assertEquals(builds.stream().map(AllocatedBuild::id).collect(Collectors.toSet()), coordinator.successes.keySet());
    }

    @Test
    void refusesSubstitutesThatAreUnsignedSignedByAnUntrustedKeyOrNotWhatTheirNarInfoSays() throws Exception {
        NixSecretKey trusted = NixSecretKey.generate("trusted-1");
        NixSecretKey untrusted = NixSecretKey.generate("untrusted-1");
        StorePath good = storeDir.parseBaseName("1".repeat(32) + "-good");
        StorePath untrustedSignature = storeDir.parseBaseName("2".repeat(32) + "-untrusted-signature");
        StorePath unsigned = storeDir.parseBaseName("3".repeat(32) + "-unsigned");
        StorePath wrongNar = storeDir.parseBaseName("4".repeat(32) + "-wrong-nar");
        Map<String, byte[]> served = new ConcurrentHashMap<>();
        serve(served, good, "good", "good", trusted);
        serve(served, untrustedSignature, "content", "content", untrusted);
        serve(served, unsigned, "content", "content", null);
        serve(served, wrongNar, "what the narinfo describes", "something else", trusted);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = served.get(exchange.getRequestURI().getPath());
            try (exchange) {
                exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) {
                    exchange.getResponseBody().write(body);
                }
            }
        });
        server.start();
        try {
            URI cache = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            BuildJob.Services services = services(Duration.ofSeconds(5),
                    List.of(new Substituter.BinaryCache(cache, false)), List.of(trusted.publicKey()), false);
            AllocatedBuild build = build("needs-substitutes", "hello", List.of(good, untrustedSignature, unsigned, wrongNar));
            coordinator.queue.add(build);
            runUntil(services, () -> coordinator.setupFailures.containsKey(build.id()), "the build's setup fails");

            assertEquals(Stream.of(untrustedSignature, unsigned, wrongNar).map(StorePath::toString).sorted().toList(),
                    coordinator.setupFailures.get(build.id()), "the refused paths are missing");
            assertFalse(coordinator.started.contains(build.id()));
            assertTrue(services.store().isValid(good), "a trusted substitute with the right NAR is taken");
            assertEquals("good", Files.readString(services.store().files(good)));
            for (StorePath refused : List.of(untrustedSignature, unsigned, wrongNar)) {
                assertFalse(services.store().isValid(refused), refused + " is not valid");
                assertFalse(Files.exists(services.store().files(refused), LinkOption.NOFOLLOW_LINKS),
                        refused + " has no files");
            }
            try (Stream<Path> leftovers = Files.list(services.store().storeRoot())) {
                assertEquals(List.of(good.baseName()), leftovers.map(file -> file.getFileName().toString())
                        .filter(name -> !name.endsWith(".drv")).toList(), "nothing else landed in the store");
            }
        } finally {
            server.stop(0);
        }
    }

    /**
     * Adds to a cache a narinfo for {@code path} describing a file with {@code described} in it, and a NAR of a file
     * with {@code content}; signed by {@code key} unless it is null.
     */
    private void serve(Map<String, byte[]> cache, StorePath path, String described, String content, NixSecretKey key)
            throws IOException {
        Path directory = Files.createDirectories(temporary.resolve("served"));
        Path describedFile = Files.writeString(directory.resolve(path.hashPart() + "-described"), described);
        Path contentFile = Files.writeString(directory.resolve(path.hashPart() + "-content"), content);
        NarDigest digest = NarWriter.digest(describedFile);
        NarInfo narInfo = NarInfo.of(path, "nar/" + path.hashPart() + ".nar", digest.narHash(), digest.narSize(),
                List.of(), Optional.empty());
        if (key != null) {
            narInfo = narInfo.signedWith(key);
        }
        ByteArrayOutputStream nar = new ByteArrayOutputStream();
        NarWriter.write(contentFile, nar);
        cache.put("/" + path.hashPart() + ".narinfo", narInfo.render().getBytes(StandardCharsets.UTF_8));
        cache.put("/nar/" + path.hashPart() + ".nar", nar.toByteArray());
    }

    @Test
    void leavesThePathsOfANixStoreToNix() throws Exception {
        BuildJob.Services services = services(Duration.ofSeconds(5), List.of(), List.of(), true);
        AllocatedBuild failing = build("failing-in-nix", "fail", List.of());
        Path output = Files.writeString(services.store().files(outputOf(failing)), "valid in Nix's database");
        coordinator.queue.add(failing);
        runUntil(services, () -> coordinator.failures.contains(failing.id()), "the failure is reported");
        assertEquals("valid in Nix's database", Files.readString(output), "neither set-up nor failure deleted it");
    }

    @Test
    void handsBackWhatDoesNotFinishWithinTheStopTimeout() throws Exception {
        BuildJob.Services services = services(Duration.ofMillis(200));
        AllocatedBuild blocked = build("blocked", "block", List.of());
        coordinator.queue.add(blocked);
        runUntil(services, () -> coordinator.started.contains(blocked.id()), "the build starts");
        assertEquals(1, coordinator.restarts);
        assertTrue(coordinator.successes.isEmpty() && coordinator.failures.isEmpty());
        assertTrue(new HeldBuilds(services.settings().stateDirectory()).held().isEmpty());
    }

    @Test
    void reportsFinishedBuildsAndHandsBackTheOthersAfterACrash() throws Exception {
        BuildJob.Services services = services(Duration.ofSeconds(1));
        HeldBuilds held = new HeldBuilds(services.settings().stateDirectory());
        AllocatedBuild finished = build("finished", "done", List.of());
        AllocatedBuild unfinished = build("unfinished", "never", List.of());
        held.hold(finished);
        held.hold(unfinished);
        StorePath out = outputOf(finished);
        services.store().register(out, NarWriter.digest(Files.writeString(services.store().files(out), "built")),
                new TreeSet<>());
        FetchLoop loop = new FetchLoop(services, held);
        loop.stop();
        loop.run();
        assertEquals(1, coordinator.restarts);
        assertEquals(List.of("out"), coordinator.successes.get(finished.id()).stream().map(OutputReport::name).toList());
        assertEquals(List.of(true), coordinator.resumeAsked, "an upload taken up after a crash may have begun");
        assertFalse(coordinator.successes.containsKey(unfinished.id()));
        assertTrue(held.held().isEmpty());
    }

    @Test
    void refusesBadOptionsWithAClearMessage() {
        for (List<String> arguments : List.of(List.of("--max-parallel-builds", "0"), List.of("--executor", "docker"),
                List.of("--sandbox", "maybe"), List.of("--coordinator", "ftp://host/"),
                List.of("--store-dir", "relative/store"),
                List.of("--executor", "nix", "--store-root", temporary.resolve("nix/store-elsewhere").toString()))) {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            CommandLine commandLine = new CommandLine(new AgentCommand(name -> null));
            commandLine.setErr(new PrintWriter(errors, true));
            List<String> all = new ArrayList<>(List.of("--id", UUID.randomUUID().toString(), "--password-file",
                    temporary.resolve("password").toString(), "--state-dir", temporary.toString()));
            all.addAll(arguments);
            int exitCode = commandLine.execute(all.toArray(String[]::new));
            assertEquals(2, exitCode, arguments.toString());
            String firstLine = errors.toString().lines().findFirst().orElse("");
            assertTrue(firstLine.startsWith("kiln-agent: ") || firstLine.contains(arguments.get(0)), firstLine);
            assertTrue(firstLine.contains(arguments.get(0)), firstLine + " names " + arguments.get(0));
        }
    }
}
