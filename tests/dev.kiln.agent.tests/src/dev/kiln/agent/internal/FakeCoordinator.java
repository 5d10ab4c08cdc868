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

/** A coordinator in memory: hands out queued builds and records what the agent reports. */
final class FakeCoordinator implements CoordinatorConnection {

    final ConcurrentLinkedQueue<AllocatedBuild> queue = new ConcurrentLinkedQueue<>();
    final Map<String, String> derivations = new ConcurrentHashMap<>();
    final Map<UUID, ByteArrayOutputStream> logs = new ConcurrentHashMap<>();
    final Map<String, byte[]> uploads = new ConcurrentHashMap<>();
    final Map<UUID, List<OutputReport>> successes = new ConcurrentHashMap<>();
    final Set<UUID> started = ConcurrentHashMap.newKeySet();
    final Set<UUID> failures = ConcurrentHashMap.newKeySet();
    final Map<UUID, List<String>> setupFailures = new ConcurrentHashMap<>();
    final Set<UUID> abandon = ConcurrentHashMap.newKeySet();
    volatile int restarts;
    /** Uploads wait until this is counted down; open unless a test closes it. */
    volatile CountDownLatch uploadsOpen = new CountDownLatch(0);
    /** The build whose start request fails with an unexpected error, if any. */
    volatile UUID unexpectedErrorOnStart;
    /** Uploads break after this many bytes once, to test resuming; negative never. */
    volatile long breakUploadAfter = -1;
    /** The offset of each upload's start. */
    final List<Integer> resumedFrom = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public List<AllocatedBuild> fetch(List<String> systems, int freeSlots, double load) {
        List<AllocatedBuild> builds = new ArrayList<>();
        AllocatedBuild next;
        while (builds.size() < freeSlots && (next = queue.poll()) != null) {
            builds.add(next);
        }
        return builds;
    }

    @Override
    public Set<UUID> status(Set<UUID> running) {
        return Set.copyOf(abandon);
    }

    @Override
    public void restarted() {
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
    public void start(UUID build) {
        if (build.equals(unexpectedErrorOnStart)) {
            throw new IllegalStateException("an unexpected error while starting " + build);
        }
        started.add(build);
    }

    @Override
    public void appendLog(UUID build, byte[] bytes) {
        logs.computeIfAbsent(build, ignored -> new ByteArrayOutputStream()).writeBytes(bytes);
    }

    /** Continues from the bytes held, as the real client does; counts the transfers to show that it resumed. */
    @Override
    public void upload(UUID build, String output, Path file) throws IOException {
        try {
            if (!uploadsOpen.await(30, TimeUnit.SECONDS)) {
                throw new IOException("uploads stayed closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        byte[] all = Files.readAllBytes(file);
        byte[] held = uploads.getOrDefault(build + "/" + output, new byte[0]);
        int offset = held.length;
        resumedFrom.add(offset);
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
    public void failure(UUID build) {
        failures.add(build);
    }

    @Override
    public void setupFailure(UUID build, SetupFailureKind kind, List<String> missingInputs) {
        setupFailures.put(build, missingInputs);
    }
}
