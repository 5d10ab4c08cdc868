package dev.kiln.agent.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.agent.internal.CoordinatorConnection.AllocatedBuild;

/**
 * The agent's main actor: it owns the build slots and is the only one to fetch builds and send heartbeats. It
 * fetches whenever a slot is free (at once after a build ends, after {@code idlePoll} when the coordinator had
 * nothing), says which builds run every {@code heartbeat} when no slot is free, and stops builds the coordinator
 * took back. Each build runs on its own virtual thread and tells the actor when it ends.
 * <p>
 * On start it reconciles with the coordinator: builds held before a crash whose outputs are all here are reported;
 * if any other remains, it reports that it restarted, which hands them back. A graceful stop fetches no more,
 * lets running builds finish within {@code stopTimeout}, then interrupts the others and hands them back the same way.
 */
final class FetchLoop {

    private static final Logger LOG = LoggerFactory.getLogger(FetchLoop.class);

    private sealed interface Message {
    }

    private record Finished(UUID build, BuildJob.Ending ending) implements Message {
    }

    private record Stop() implements Message {
    }

    private final BuildJob.Services services;
    private final HeldBuilds held;
    private final LinkedBlockingQueue<Message> mailbox = new LinkedBlockingQueue<>();
    private final Map<UUID, Thread> running = new HashMap<>();
    private boolean stopping;
    private boolean handBack;

    FetchLoop(BuildJob.Services services, HeldBuilds held) {
        this.services = services;
        this.held = held;
    }

    /** Asks the loop to stop gracefully; {@link #run()} returns once it has. Callable from any thread. */
    void stop() {
        mailbox.add(new Stop());
    }

    /** Runs the loop on the calling thread until {@link #stop()}. */
    void run() throws InterruptedException {
        AgentSettings settings = services.settings();
        reconcile();
        Backoff backoff = new Backoff(settings.retryDelay(), settings.retryMax());
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
            int free = settings.maxBuilds() - running.size();
            if (!stopping && free > 0 && now - nextFetch >= 0) {
                try {
                    List<AllocatedBuild> builds = services.connection().fetch(settings.systems(), free, load());
                    backoff.reset();
                    builds.forEach(this::launch);
                    nextFetch = builds.size() < free ? now + settings.idlePoll().toNanos() : now;
                    nextHeartbeat = now + settings.heartbeat().toNanos();
                } catch (IOException e) {
                    Duration delay = backoff.nextDelay();
                    LOG.warn("Cannot reach the coordinator at {} ({}); retrying in {} ms", settings.coordinator(),
                            e.getMessage(), delay.toMillis());
                    nextFetch = now + delay.toNanos();
                }
            }
            if (now - nextHeartbeat >= 0) {
                heartbeat();
                nextHeartbeat = now + settings.heartbeat().toNanos();
            }
            long wakeUp = Math.min(nextHeartbeat, stopping ? stopDeadline : (free > 0 ? nextFetch : Long.MAX_VALUE));
            if (stopping && handBack) {
                wakeUp = now + settings.heartbeat().toNanos();
            }
            Message message = mailbox.poll(Math.max(0, wakeUp - System.nanoTime()), TimeUnit.NANOSECONDS);
            while (message != null) {
                switch (message) {
                    case Finished finished -> {
                        running.remove(finished.build());
                        if (finished.ending() == BuildJob.Ending.REPORTED) {
                            release(finished.build());
                        } else if (finished.ending() == BuildJob.Ending.INTERRUPTED && !handBack) {
                            release(finished.build());
                        }
                        nextFetch = Math.min(nextFetch, System.nanoTime());
                    }
                    case Stop stop -> {
                        if (!stopping) {
                            stopping = true;
                            stopDeadline = System.nanoTime() + settings.stopTimeout().toNanos();
                            LOG.info("Stopping: no more builds are fetched; {} running", running.size());
                        }
                    }
                }
                message = mailbox.poll();
            }
        }
        if (handBack) {
            handBackHeld();
        }
    }

    private void launch(AllocatedBuild build) {
        if (running.containsKey(build.id())) {
            // A fetch answers again the builds allocated here that have not started, in case an answer was lost;
            // a second job of one build would delete the first one's outputs.
            LOG.debug("Build {} is running here already", build.id());
            return;
        }
        try {
            held.hold(build);
        } catch (IOException e) {
            LOG.warn("Cannot record that build {} is held: {}", build.id(), e.getMessage());
        }
        BuildJob job = new BuildJob(services, build);
        Thread thread = Thread.ofVirtual().name("build-" + build.id()).unstarted(
                () -> mailbox.add(new Finished(build.id(), job.run())));
        running.put(build.id(), thread);
        thread.start();
    }

    private void heartbeat() {
        try {
            Set<UUID> abandon = services.connection().status(Set.copyOf(running.keySet()), load(),
                    Math.max(0, services.settings().maxBuilds() - running.size()));
            for (UUID build : abandon) {
                Thread thread = running.get(build);
                if (thread != null) {
                    LOG.info("The coordinator took build {} back: stopping it", build);
                    thread.interrupt();
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot send the heartbeat: {}", e.getMessage());
        }
    }

    private void reconcile() throws InterruptedException {
        List<AllocatedBuild> builds;
        try {
            builds = held.held();
        } catch (IOException e) {
            LOG.warn("Cannot read the builds held before: {}", e.getMessage());
            return;
        }
        if (builds.isEmpty()) {
            return;
        }
        LOG.info("Reconciling {} builds held before the last stop", builds.size());
        boolean anyLeft = false;
        for (AllocatedBuild build : builds) {
            if (new BuildJob(services, build).reattach()) {
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
        Backoff backoff = new Backoff(services.settings().retryDelay(), services.settings().heartbeat());
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
                Thread.sleep(backoff.nextDelay());
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

    private static double load() {
        return Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
