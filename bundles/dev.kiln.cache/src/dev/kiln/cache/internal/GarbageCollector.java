package dev.kiln.cache.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.RetentionPolicy;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.HeldPath;
import dev.kiln.cache.CacheRetention;
import dev.kiln.cache.RetentionReport;
import dev.kiln.cache.RetentionStatistics;
import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.StoredObject;

/**
 * The garbage collector of the binary cache. A run lists the NAR objects, reads the held paths and the roots, and
 * decides with a {@link RetentionPlan}; then, a batch at a time, it writes the keys of the batch's NARs to a journal
 * ({@code <state>/gc.journal}, synced), stops holding the batch's paths in one write transaction (which spares what a
 * build pending by then needs), and deletes the NARs no held path has any more. A run that dies after a commit
 * leaves keys in the journal, and the next run deletes those no path holds again before anything else.
 */
@Component(configurationPid = CacheConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class GarbageCollector implements CacheRetention {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    /** How many paths one write transaction stops holding: short enough never to hold up submissions for long. */
    static final int BATCH = 1000;
    /** How often serving times are written. */
    private static final Duration SERVED_FLUSH = Duration.ofSeconds(30);
    private static final Pattern HASH_PART = Pattern.compile("[0-9a-z]{32}");
    private static final Pattern NAR_KEY = Pattern.compile(FileBinaryCache.NARS + "([0-9a-z]{52})\\.nar\\.zst");

    private final RetentionData data;
    private final ObjectStore store;
    private final RetentionOptions options;
    private final CacheOptions cacheOptions;
    private final Clock clock;
    private final Path journal;
    private final ReentrantLock running = new ReentrantLock();
    private final ConcurrentHashMap<String, Instant> served = new ConcurrentHashMap<>();
    private final ScheduledExecutorService background;
    private final AtomicLong reclaimedObjects = new AtomicLong();
    private final AtomicLong reclaimedBytes = new AtomicLong();
    private volatile RetentionStatistics statistics = new RetentionStatistics(0, 0, 0, 0, 0, Duration.ZERO);

    @Activate
    public GarbageCollector(@Reference Datastore datastore, @Reference ObjectStore store,
            CacheConfiguration configuration) {
        this(new DatastoreRetentionData(datastore), store, CacheOptions.from(configuration),
                RetentionOptions.from(configuration), Clock.systemUTC());
        background.scheduleWithFixedDelay(this::flushServed, SERVED_FLUSH.toMillis(), SERVED_FLUSH.toMillis(),
                TimeUnit.MILLISECONDS);
        if (options.collects()) {
            background.scheduleWithFixedDelay(this::collectInBackground, options.interval().toMillis(),
                    options.interval().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("The garbage collector runs every {} s: {}, logs kept {} days, events {} days (0: for ever)",
                    options.interval().toSeconds(),
                    options.policy().map(Object::toString).orElse("every path kept"),
                    options.logsAge().toDays(), options.eventsAge().toDays());
        }
    }

    GarbageCollector(RetentionData data, ObjectStore store, CacheOptions cacheOptions, RetentionOptions options,
            Clock clock) {
        this.data = data;
        this.store = store;
        this.cacheOptions = cacheOptions;
        this.options = options;
        this.clock = clock;
        this.journal = cacheOptions.stateDir().resolve("gc.journal");
        this.background = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("kiln-gc").factory());
    }

    @Deactivate
    void stop() {
        background.shutdownNow();
        flushServed();
    }

    @Override
    public void served(String hashPart) {
        if (HASH_PART.matcher(hashPart).matches()) {
            served.put(hashPart, clock.instant());
        }
    }

    @Override
    public RetentionStatistics statistics() {
        return statistics;
    }

    /** Writes the serving times noted since the last time, in one transaction that nobody waits for. */
    void flushServed() {
        if (served.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = new HashMap<>();
        for (String hashPart : List.copyOf(served.keySet())) {
            Instant at = served.remove(hashPart);
            if (at != null) {
                batch.put(hashPart, at);
            }
        }
        try {
            data.recordServed(batch);
        } catch (RuntimeException e) {
            LOG.warn("Cannot record when {} paths were served: {}", batch.size(), e.getMessage());
        }
    }

    private void collectInBackground() {
        try {
            RetentionReport report = collect(false);
            LOG.info("Garbage collection: {} paths, {} NARs, {} bytes removed, {} logs, {} events; {} paths, {} bytes "
                    + "kept; {} ms", report.paths().size(), report.objects(), report.bytes(), report.logs(),
                    report.events(), report.keptPaths(), report.keptBytes(), report.duration().toMillis());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Garbage collection failed; the next run continues: {}", e.toString());
        }
    }

    @Override
    public RetentionReport collect(boolean dryRun) throws IOException {
        try {
            running.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the garbage collector's run");
        }
        try {
            return run(dryRun);
        } finally {
            running.unlock();
        }
    }

    private RetentionReport run(boolean dryRun) throws IOException {
        long started = System.nanoTime();
        Instant now = clock.instant();
        flushServed();
        Removal leftovers = new Removal(dryRun);
        if (!dryRun) {
            leftovers.deleteUnheld(readJournal());
        }
        Removal removal = new Removal(dryRun);
        Map<String, Long> objects = new HashMap<>();
        store.list(FileBinaryCache.NARS, object -> objects.put(object.key(), object.size()));
        List<String> paths = List.of();
        long keptPaths = 0;
        long keptBytes = objects.values().stream().mapToLong(Long::longValue).sum() - removal.bytes;
        if (options.policy().isPresent()) {
            RetentionPolicy policy = options.policy().get();
            List<HeldPath> held = data.heldPaths();
            RetentionPlan plan = new RetentionPlan(held, objects, data.roots(policy), policy, now);
            if (dryRun) {
                Set<String> keys = plan.droppedKeys();
                keys.removeAll(FileBinaryCache.seededNarKeys(cacheOptions));
                paths = plan.dropped();
                removal.objects = keys.size();
                removal.bytes = plan.bytesOf(keys);
                keptPaths = plan.keptPaths();
            } else {
                paths = removal.apply(plan, objects);
                keptPaths = held.size() - paths.size();
            }
            keptBytes = objects.values().stream().mapToLong(Long::longValue).sum() - removal.bytes;
        }
        long logs = deleteOldLogs(now, dryRun);
        long events = dryRun || options.eventsAge().isZero() ? 0
                : data.deleteEventsBefore(now.minus(options.eventsAge()));
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        if (!dryRun) {
            clearJournal();
            reclaimedObjects.addAndGet(leftovers.objects + removal.objects);
            reclaimedBytes.addAndGet(leftovers.bytes + removal.bytes);
            statistics = new RetentionStatistics(statistics.runs() + 1, objects.size() - removal.objects, keptBytes,
                    reclaimedObjects.get(), reclaimedBytes.get(), duration);
        }
        return new RetentionReport(dryRun, paths, leftovers.objects + removal.objects, leftovers.bytes + removal.bytes,
                keptPaths, keptBytes, logs, events, duration);
    }

    /** The NAR objects a run deletes, and their count and bytes. */
    private final class Removal {
        private final boolean dryRun;
        long objects;
        long bytes;

        Removal(boolean dryRun) {
            this.dryRun = dryRun;
        }

        /** Stops holding the plan's paths, a batch at a time, and deletes their NARs; returns the paths that went. */
        List<String> apply(RetentionPlan plan, Map<String, Long> sizes) throws IOException {
            Set<String> keptKeys = FileBinaryCache.seededNarKeys(cacheOptions);
            Set<String> dropKeys = plan.droppedKeys();
            Set<String> spared = new HashSet<>();
            List<String> removed = new ArrayList<>();
            List<String> order = plan.dropped();
            for (int from = 0; from < order.size(); from += BATCH) {
                List<String> batch = new ArrayList<>(order.subList(from, Math.min(order.size(), from + BATCH)));
                batch.removeAll(spared);
                if (batch.isEmpty()) {
                    continue;
                }
                Map<String, Long> keys = new HashMap<>();
                for (String path : batch) {
                    String key = plan.narKeyOf(path);
                    if (dropKeys.contains(key) && !keptKeys.contains(key)) {
                        keys.put(key, sizes.getOrDefault(key, 0L));
                    }
                }
                appendJournal(keys.keySet());
                Set<String> deleted = data.deleteHeldPaths(batch, needed -> {
                    Set<String> spare = plan.closureAmongDropped(needed);
                    spared.addAll(spare);
                    return spare;
                });
                for (String path : batch) {
                    if (deleted.contains(path)) {
                        removed.add(path);
                    }
                }
                deleteUnheld(keys);
            }
            return removed;
        }

        /** Deletes those of these NAR objects that no held path has. */
        void deleteUnheld(Map<String, Long> keys) throws IOException {
            Map<String, String> byHash = new HashMap<>();
            for (String key : keys.keySet()) {
                var matcher = NAR_KEY.matcher(key);
                if (matcher.matches()) {
                    byHash.put("sha256:" + matcher.group(1), key);
                }
            }
            Set<String> held = data.heldNarHashes(byHash.keySet());
            for (Map.Entry<String, String> nar : byHash.entrySet()) {
                if (!held.contains(nar.getKey()) && (dryRun || store.delete(nar.getValue()))) {
                    objects++;
                    bytes += keys.get(nar.getValue());
                }
            }
        }
    }

    private long deleteOldLogs(Instant now, boolean dryRun) throws IOException {
        if (options.logsAge().isZero()) {
            return 0;
        }
        Instant cutoff = now.minus(options.logsAge());
        List<StoredObject> old = new ArrayList<>();
        store.list(FileBuildLogs.LOGS, object -> {
            if (object.lastModified().isBefore(cutoff)) {
                old.add(object);
            }
        });
        long deleted = 0;
        for (StoredObject log : old) {
            if (dryRun || store.delete(log.key())) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Adds keys to the journal and syncs it, before the paths that have them stop being held. */
    private void appendJournal(Set<String> keys) throws IOException {
        if (keys.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        keys.forEach(key -> lines.append(key).append('\n'));
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            channel.write(StandardCharsets.UTF_8.encode(lines.toString()));
            channel.force(true);
        }
    }

    /** The keys a run that stopped left in the journal, with the sizes they have now. */
    private Map<String, Long> readJournal() throws IOException {
        Map<String, Long> keys = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return keys;
        }
        Set<String> seeded = FileBinaryCache.seededNarKeys(cacheOptions);
        for (String key : lines) {
            if (NAR_KEY.matcher(key).matches() && !seeded.contains(key)) {
                store.size(key).ifPresent(size -> keys.put(key, size));
            }
        }
        if (!keys.isEmpty()) {
            LOG.info("Garbage collection: {} NARs of paths an interrupted run removed are checked again", keys.size());
        }
        return keys;
    }

    private void clearJournal() throws IOException {
        Files.deleteIfExists(journal);
    }
}
