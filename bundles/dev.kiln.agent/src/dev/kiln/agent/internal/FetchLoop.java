package dev.kiln.agent.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.agent.internal.CoordinatorConnection.AllocatedBuild;
import dev.kiln.agent.internal.CoordinatorConnection.RejectedException;
import dev.kiln.retry.Backoff;

/**
 * The agent's main actor: it owns the build slots and is the only one to fetch builds and send heartbeats. It holds
 * as many builds that have not started (fetched and ready, or whose start the coordinator has not recorded yet) as it
 * has slots, so that a slot that frees takes the next build at once, and never asks for more; it fetches again as
 * soon as there is room (after {@code idlePoll} when the coordinator had nothing more, at once when a
 * result is reported), says which builds it holds every {@code heartbeat} when it does not fetch, and stops builds
 * the coordinator took back. Each build runs on its own virtual thread and tells the actor when the coordinator
 * recorded its start, when its builder is done (its slot is then free while the outputs are uploaded and the
 * result reported) and when it ends.
 * <p>
 * On start it reconciles with the coordinator: builds held before a crash whose outputs are all here are reported;
 * if any other remains, it reports that it restarted, which hands them back. A graceful stop fetches and starts no
 * more, lets running builds finish within {@code stopTimeout}, then interrupts the others and hands them back with
 * the builds that had not started, the same way.
 */
final class FetchLoop {

    private static final Logger LOG = LoggerFactory.getLogger(FetchLoop.class);
    /** Looked up once: each lookup costs more than the fetch around it. */
    /** The share of each retry's wait drawn at random, so that agents that lost one coordinator do not return as one. */
    static final double JITTER = 0.1;
    private static final OperatingSystemMXBean SYSTEM = ManagementFactory.getOperatingSystemMXBean();

    private sealed interface Message {
    }

    private record Finished(UUID build, BuildJob.Ending ending) implements Message {
    }

    /** The coordinator recorded the build's start. */
    private record Started(UUID build) implements Message {
    }

    /** The build's builder is done: its slot is free while its outputs go up. */
    private record Built(UUID build) implements Message {
    }

    private record Stop() implements Message {
    }

    private final BuildJob.Services services;
    private final HeldBuilds held;
    private final ConnectionState connection;
    private final LinkedBlockingQueue<Message> mailbox = new LinkedBlockingQueue<>();
    /** Every job, building or reporting. */
    private final Map<UUID, Thread> running = new HashMap<>();
    /** The jobs that hold a build slot: set-up and build, not the upload and report that follow. */
    private final Set<UUID> building = new HashSet<>();
    /** The jobs whose start the coordinator may not have recorded yet. */
    private final Set<UUID> unconfirmed = new HashSet<>();
    /** Builds fetched and held, waiting for a slot, in the coordinator's order. */
    private final Map<UUID, AllocatedBuild> ready = new LinkedHashMap<>();
    private boolean stopping;
    private boolean handBack;
    /** Why the agent fetches nothing now (short of disk, load too high), or null. */
    private String idle;
    /** The free bytes of its disk when it last looked. */
    private long freeDisk = -1;

    FetchLoop(BuildJob.Services services, HeldBuilds held) {
        this.services = services;
        this.held = held;
        this.connection = new ConnectionState(services.settings().coordinator());
    }

    /** Asks the loop to stop gracefully; {@link #run()} returns once it has. Callable from any thread. */
    void stop() {
        mailbox.add(new Stop());
    }

    /**
     * Runs the loop on the calling thread until {@link #stop()}.
     *
     * @throws ConnectionState.RefusedAtStart when the coordinator refuses the very first fetch for a reason retrying
     *         cannot mend: a wrong id or password, or no agent API at that address
     */
    void run() throws InterruptedException, ConnectionState.RefusedAtStart {
        AgentSettings settings = services.settings();
        reconcile();
        Backoff backoff = new Backoff(settings.retryDelay(), settings.retryMax(), JITTER);
        int fetchFailures = 0;
        long nextFetch = System.nanoTime();
        long nextHeartbeat = System.nanoTime() + settings.heartbeat().toNanos();
        long stopDeadline = Long.MAX_VALUE;
        while (!stopping || !running.isEmpty()) {
            long now = System.nanoTime();
            if (stopping && now - stopDeadline >= 0 && !handBack) {
                LOG.info("Handing back {} unfinished builds", running.size());
                handBack = true;
                running.values().forEach(Thread::interrupt);
            }
            if (!stopping) {
                launchReady(settings);
            }
            boolean wantMore = !stopping && notStarted() < settings.maxBuilds();
            if (wantMore && now - nextFetch >= 0 && shortOfResources(settings)) {
                nextFetch = now + settings.idlePoll().toNanos();
            } else if (wantMore && now - nextFetch >= 0) {
                try {
                    // The coordinator answers first, again, the builds allocated here that it has not seen start, and
                    // counts them: asking for as many as there are slots takes what the agent can start, now or as
                    // soon as a slot frees, and no more.
                    List<AllocatedBuild> builds = services.connection().fetch(settings.systems(), settings.features(),
                            settings.maxBuilds(), building.size(), load());
                    fetchFailures = 0;
                    builds.forEach(this::enqueue);
                    launchReady(settings);
                    // Fewer than asked for: the coordinator has nothing more now.
                    wantMore = builds.size() < settings.maxBuilds();
                    nextFetch = wantMore ? now + settings.idlePoll().toNanos() : now;
                    nextHeartbeat = now + settings.heartbeat().toNanos();
                    connection.reached();
                } catch (RejectedException e) {
                    connection.refused(e);
                    nextFetch = now + backoff.delay(fetchFailures++, ThreadLocalRandom.current()).toNanos();
                } catch (IOException e) {
                    Duration delay = backoff.delay(fetchFailures++, ThreadLocalRandom.current());
                    connection.unreachable(e, delay);
                    nextFetch = now + delay.toNanos();
                }
            }
            if (now - nextHeartbeat >= 0) {
                heartbeat();
                nextHeartbeat = now + settings.heartbeat().toNanos();
            }
            long wakeUp = Math.min(nextHeartbeat, stopping ? stopDeadline : (wantMore ? nextFetch : Long.MAX_VALUE));
            if (stopping && handBack) {
                wakeUp = now + settings.heartbeat().toNanos();
            }
            Message message = mailbox.poll(Math.max(0, wakeUp - System.nanoTime()), TimeUnit.NANOSECONDS);
            while (message != null) {
                switch (message) {
                    case Started started -> unconfirmed.remove(started.build());
                    case Built built -> building.remove(built.build());
                    case Finished finished -> {
                        running.remove(finished.build());
                        building.remove(finished.build());
                        unconfirmed.remove(finished.build());
                        if (finished.ending() == BuildJob.Ending.REPORTED) {
                            release(finished.build());
                        } else if (finished.ending() == BuildJob.Ending.INTERRUPTED && !handBack) {
                            release(finished.build());
                        }
                        // A result recorded may make builds that wait on it ready.
                        nextFetch = Math.min(nextFetch, System.nanoTime());
                    }
                    case Stop stop -> {
                        if (!stopping) {
                            stopping = true;
                            stopDeadline = System.nanoTime() + settings.stopTimeout().toNanos();
                            LOG.info("Stopping: no more builds are fetched; {} running, {} not started", running.size(),
                                    ready.size());
                        }
                    }
                }
                message = mailbox.poll();
            }
        }
        if (handBack || !ready.isEmpty()) {
            handBackHeld();
        }
    }

    /** The builds here that the coordinator has not seen start: held ready, or whose start is not yet recorded. */
    private int notStarted() {
        return ready.size() + unconfirmed.size();
    }

    /** Keeps a fetched build until a slot is free, unless it is here already. */
    private void enqueue(AllocatedBuild build) {
        if (running.containsKey(build.id()) || ready.containsKey(build.id())) {
            // A fetch answers again the builds allocated here that have not started, in case an answer was lost;
            // a second job of one build would delete the first one's outputs.
            LOG.debug("Build {} is here already", build.id());
            return;
        }
        try {
            held.hold(build);
        } catch (IOException e) {
            LOG.warn("Cannot record that build {} is held: {}", build.id(), e.getMessage());
        }
        ready.put(build.id(), build);
    }

    /**
     * Starts fetched builds while slots are free: a slot is free when its build no longer runs its builder, but at
     * most as many builds as there are slots may wait for their upload and report, so that a slow coordinator slows
     * the agent down.
     */
    private void launchReady(AgentSettings settings) {
        Iterator<AllocatedBuild> next = ready.values().iterator();
        while (next.hasNext() && building.size() < settings.maxBuilds() && running.size() < 2 * settings.maxBuilds()) {
            launch(next.next());
            next.remove();
        }
    }

    private void launch(AllocatedBuild build) {
        UUID id = build.id();
        BuildJob job = new BuildJob(services, build, new BuildJob.Progress() {
            @Override
            public void started() {
                mailbox.add(new Started(id));
            }

            @Override
            public void built() {
                mailbox.add(new Built(id));
            }
        });
        Thread thread = Thread.ofVirtual().name("build-" + id).unstarted(() -> {
            // Whatever happens to the job, the slot comes back.
            BuildJob.Ending ending = BuildJob.Ending.UNREPORTED;
            try {
                ending = job.run();
            } finally {
                mailbox.add(new Finished(id, ending));
            }
        });
        running.put(id, thread);
        building.add(id);
        unconfirmed.add(id);
        thread.start();
    }

    private void heartbeat() {
        try {
            Set<UUID> here = new HashSet<>(running.keySet());
            here.addAll(ready.keySet());
            Set<UUID> abandon = services.connection().status(here, load(),
                    Math.max(0, services.settings().maxBuilds() - building.size()), freeDisk(), idle);
            for (UUID build : abandon) {
                if (ready.remove(build) != null) {
                    LOG.info("The coordinator took build {} back before it started", build);
                    release(build);
                }
                Thread thread = running.get(build);
                if (thread != null) {
                    LOG.info("The coordinator took build {} back: stopping it", build);
                    thread.interrupt();
                }
            }
        } catch (RejectedException e) {
            // The fetch that follows says it, once.
            LOG.debug("The heartbeat was refused: {}", e.getMessage());
        } catch (IOException e) {
            LOG.warn("Cannot send the heartbeat: {}", e.getMessage());
        }
    }

    private void reconcile() throws InterruptedException {
        List<AllocatedBuild> builds = held.held();
        if (builds.isEmpty()) {
            return;
        }
        LOG.info("Reconciling {} builds held before the last stop", builds.size());
        boolean anyLeft = false;
        for (AllocatedBuild build : builds) {
            if (new BuildJob(services, build, BuildJob.Progress.NONE).reattach()) {
                release(build.id());
            } else {
                anyLeft = true;
            }
        }
        if (anyLeft) {
            handBackHeld();
        }
    }

    /** Reports that this agent lost its builds, which puts them back to scheduled, and forgets them. */
    private void handBackHeld() throws InterruptedException {
        Backoff backoff = new Backoff(services.settings().retryDelay(), services.settings().heartbeat(), JITTER);
        for (int attempt = 1; ; attempt++) {
            try {
                services.connection().restarted();
                for (AllocatedBuild build : held.held()) {
                    release(build.id());
                }
                return;
            } catch (IOException e) {
                if (attempt == Uploader.ATTEMPTS) {
                    LOG.warn("Cannot hand builds back ({}); the coordinator will take them back when it misses this"
                            + " agent", e.getMessage());
                    return;
                }
                Thread.sleep(backoff.delay(attempt - 1, ThreadLocalRandom.current()));
            }
        }
    }

    private void release(UUID build) {
        try {
            held.release(build);
        } catch (IOException e) {
            LOG.warn("Cannot forget build {}: {}", build, e.getMessage());
        }
    }

    /**
     * Whether the agent must fetch nothing now: its disk is short or its load too high. Says so in the log when it
     * changes, and in the heartbeats while it lasts.
     */
    private boolean shortOfResources(AgentSettings settings) {
        AgentSettings.Admission admission = settings.admission();
        String reason = null;
        if (admission.minFreeDisk() > 0 && freeDisk() < admission.minFreeDisk()) {
            reason = "free disk " + freeDisk + " bytes is below --min-free-disk " + admission.minFreeDisk();
        } else if (admission.maxLoad() > 0 && load() > admission.maxLoad()) {
            reason = String.format(Locale.ROOT, "load %.2f is above --max-load %.2f", load(),
                    admission.maxLoad());
        }
        if (reason != null && idle == null) {
            LOG.warn("Fetching no work: {}", reason);
        } else if (reason == null && idle != null) {
            LOG.info("Fetching work again");
        }
        boolean changed = !Objects.equals(reason, idle);
        idle = reason;
        if (changed) {
            heartbeat();
        }
        return reason != null;
    }

    /** The free bytes of the state directory's disk and of the store's, the fewer; -1 if unknown. */
    private long freeDisk() {
        AgentSettings settings = services.settings();
        try {
            freeDisk = Math.min(Files.getFileStore(settings.stateDirectory()).getUsableSpace(),
                    Files.getFileStore(settings.storeRoot()).getUsableSpace());
        } catch (IOException e) {
            LOG.debug("Cannot read the free disk space: {}", e.toString());
        }
        return freeDisk;
    }

    private static double load() {
        return Math.max(0, SYSTEM.getSystemLoadAverage());
    }
}
