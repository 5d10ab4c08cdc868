package dev.kiln.agent.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.kiln.protocol.SetupFailureKind;

/** A coordinator in memory: hands out queued builds and records what the agent reports. */
final class FakeCoordinator implements CoordinatorConnection {

    final ConcurrentLinkedQueue<AllocatedBuild> queue = new ConcurrentLinkedQueue<>();
    /** Builds handed out whose start is not recorded: each fetch answers them again first, as the coordinator does. */
    final Map<UUID, AllocatedBuild> allocated = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    final Map<String, String> derivations = new ConcurrentHashMap<>();
    final Map<UUID, ByteArrayOutputStream> logs = new ConcurrentHashMap<>();
    final Map<String, byte[]> uploads = new ConcurrentHashMap<>();
    final Map<UUID, List<OutputReport>> successes = new ConcurrentHashMap<>();
    final Set<UUID> started = ConcurrentHashMap.newKeySet();
    final Set<UUID> failures = ConcurrentHashMap.newKeySet();
    /** The exit statuses reported with failures, when known. */
    final Map<UUID, Integer> exitStatuses = new ConcurrentHashMap<>();
    final Map<UUID, List<String>> setupFailures = new ConcurrentHashMap<>();
    final Set<UUID> abandon = ConcurrentHashMap.newKeySet();
    volatile int restarts;
    /** Uploads wait until this is counted down; open unless a test closes it. */
    volatile CountDownLatch uploadsOpen = new CountDownLatch(0);
    /** Start requests wait until this is counted down; open unless a test closes it. */
    volatile CountDownLatch startsOpen = new CountDownLatch(0);
    /** How many start requests came. */
    final java.util.concurrent.atomic.AtomicInteger startRequests = new java.util.concurrent.atomic.AtomicInteger();
    /** The build whose start request fails with an unexpected error, if any. */
    volatile UUID unexpectedErrorOnStart;
    /** Uploads break after this many bytes once, to test resuming; negative never. */
    volatile long breakUploadAfter = -1;
    /** The offset of each upload's start. */
    final List<Integer> resumedFrom = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether each upload was asked to resume. */
    final List<Boolean> resumeAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The builds whose uploads came from a spool file rather than memory. */
    final Set<UUID> spooledUploads = ConcurrentHashMap.newKeySet();
    /** The free slots of each fetch. */
    final List<Integer> freeSlotsAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How many builders the agent said ran, with each fetch. */
    final List<Integer> runningSaid = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Why the agent said it took no work, with each heartbeat (an empty string when it took work). */
    final List<String> idleReasons = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public List<AllocatedBuild> fetch(List<String> systems, AgentSettings.Features features, int freeSlots,
            int running, double load) {
        freeSlotsAsked.add(freeSlots);
        runningSaid.add(running);
        List<AllocatedBuild> builds = new ArrayList<>();
        synchronized (allocated) {
            allocated.values().stream().limit(freeSlots).forEach(builds::add);
        }
        AllocatedBuild next;
        while (builds.size() < freeSlots && (next = queue.poll()) != null) {
            allocated.put(next.id(), next);
            builds.add(next);
        }
        return builds;
    }

    @Override
    public Set<UUID> status(Set<UUID> running) {
        return Set.copyOf(abandon);
    }

    @Override
    public Set<UUID> status(Set<UUID> running, double load, int freeSlots, long freeDisk, String idle) {
        idleReasons.add(idle == null ? "" : idle);
        return status(running);
    }

    @Override
    public void restarted() {
        allocated.clear();
        restarts++;
    }

    @Override
    public String derivationText(String drvPath) throws IOException {
        String text = derivations.get(drvPath);
        if (text == null) {
            throw new RejectedException("no derivation " + drvPath);
        }
        return text;
    }

    @Override
    public void start(UUID build) throws IOException {
        startRequests.incrementAndGet();
        awaitOpen(startsOpen, "starts");
        if (build.equals(unexpectedErrorOnStart)) {
            throw new IllegalStateException("an unexpected error while starting " + build);
        }
        allocated.remove(build);
        started.add(build);
    }

    private static void awaitOpen(CountDownLatch latch, String what) throws IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IOException(what + " stayed closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }

    @Override
    public void appendLog(UUID build, byte[] bytes) {
        logs.computeIfAbsent(build, ignored -> new ByteArrayOutputStream()).writeBytes(bytes);
    }

    /**
     * Starts afresh, or continues from the bytes held when asked to resume, as the real client does; counts the
     * transfers to show that it resumed.
     */
    @Override
    public void upload(UUID build, String output, CompressedNar nar, boolean resume) throws IOException {
        awaitOpen(uploadsOpen, "uploads");
        byte[] all = switch (nar) {
            case CompressedNar.InMemory memory -> memory.bytes();
            case CompressedNar.Spooled spooled -> {
                spooledUploads.add(build);
                yield Files.readAllBytes(spooled.file());
            }
        };
        byte[] held = resume ? uploads.getOrDefault(build + "/" + output, new byte[0]) : new byte[0];
        int offset = held.length;
        resumedFrom.add(offset);
        resumeAsked.add(resume);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.writeBytes(held);
        long breakAt = breakUploadAfter;
        if (breakAt >= 0 && all.length > breakAt) {
            breakUploadAfter = -1;
            joined.write(all, offset, (int) (breakAt - offset));
            uploads.put(build + "/" + output, joined.toByteArray());
            throw new IOException("connection reset");
        }
        joined.write(all, offset, (int) (all.length - offset));
        uploads.put(build + "/" + output, joined.toByteArray());
    }

    @Override
    public void success(UUID build, List<OutputReport> outputs) {
        successes.put(build, outputs);
    }

    @Override
    public void failure(UUID build, String kind, Integer exitStatus) {
        if (exitStatus != null) {
            exitStatuses.put(build, exitStatus);
        }
        failures.add(build);
    }

    @Override
    public void setupFailure(UUID build, SetupFailureKind kind, List<String> missingInputs) {
        allocated.remove(build);
        setupFailures.put(build, missingInputs);
    }
}
