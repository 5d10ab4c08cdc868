package dev.kiln.coordinator.internal;

import static dev.kiln.coordinator.internal.Lifecycle.data;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Agent;
import dev.kiln.api.AgentActivity;
import dev.kiln.api.AgentCredentials;
import dev.kiln.api.AgentLoad;
import dev.kiln.api.AgentService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.ConflictException;
import dev.kiln.api.EventType;
import dev.kiln.api.NewAgent;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.RunningBuild;
import dev.kiln.api.allocation.Allocator;
import dev.kiln.api.allocation.PendingBuild;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreTransaction;
import dev.kiln.retry.Backoff;
import dev.kiln.retry.RetriedFault;

/**
 * Agents, their passwords and their heartbeats. A virtual thread looks for agents silent past the timeout and for
 * builds without a sign of life for the stall time, and puts their builds back to scheduled.
 */
@Component(service = AgentService.class, configurationPid = CoordinatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CoordinatorConfiguration.class)
public final class AgentRegistry implements AgentService {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRegistry.class);
    private static final Set<BuildState> HELD = Set.of(BuildState.ALLOCATED, BuildState.STARTED);
    /** The longest wait between looks for lost agents while the datastore fails. */
    private static final Duration LONGEST_WATCH_DELAY = Duration.ofMinutes(1);

    private final Datastore datastore;
    private final Allocator allocator;
    private final CoordinatorOptions options;
    private final Clock clock = Clock.tickMillis(ZoneOffset.UTC);
    private final PasswordHasher hasher = new PasswordHasher(PasswordHasher.ITERATIONS);
    /**
     * Passwords verified since the agent's password last changed, as a fast digest: agents send one with
     * every request, and a request whose password is found here needs neither the slow hash nor a database read.
     */
    private final Map<UUID, byte[]> verified = new ConcurrentHashMap<>();
    /** Counts changes of passwords and removals, so that a verification that raced one is not remembered. */
    private final AtomicLong credentialChanges = new AtomicLong();
    /** The latest load each agent reported since the start; not worth a write per fetch. */
    private final Map<UUID, AgentLoad> loads = new ConcurrentHashMap<>();
    /** The latest sign of life of each held build, and of each agent (a fetch, for all it holds), since the start. */
    private final Map<UUID, Instant> buildSigns = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> agentSigns = new ConcurrentHashMap<>();
    /** A restarted coordinator counts the stall time of every held build from its start. */
    private final Instant activatedAt = clock.instant();
    private final Thread lostAgentMonitor;

    @Activate
    public AgentRegistry(CoordinatorConfiguration configuration, @Reference(name = "datastore") Datastore datastore,
            @Reference(name = "allocator") Allocator allocator) {
        this.datastore = datastore;
        this.allocator = allocator;
        this.options = CoordinatorOptions.from(configuration);
        this.lostAgentMonitor = Thread.ofVirtual().name("kiln-lost-agents").start(this::watchForLostAgents);
    }

    @Deactivate
    void stop() throws InterruptedException {
        lostAgentMonitor.interrupt();
        lostAgentMonitor.join(10_000);
    }

    @Override
    public AgentCredentials create(NewAgent request) {
        String password = hasher.generatePassword();
        String hash = hasher.hash(password);
        Instant now = clock.instant();
        Agent agent = new Agent(UUID.randomUUID(), request.name(), request.description(), request.systems(),
                request.tags(), true, now, null);
        datastore.write(tx -> {
            if (tx.agentNamed(agent.name()).isPresent()) {
                throw new ConflictException("there is already an agent named " + agent.name()
                        + ": remove it first or choose another name");
            }
            tx.insertAgent(agent, hash);
            tx.appendEvent(EventType.AGENT_CREATED, now, null, agent.id(),
                    data("name", agent.name(), "systems", String.join(" ", agent.systems())));
            tx.afterCommit(() -> allocator.agentChanged(agent));
            return agent;
        });
        return new AgentCredentials(agent, password);
    }

    @Override
    public List<Agent> list() {
        return datastore.read(reader -> reader.agents());
    }

    @Override
    public Agent get(UUID agentId) {
        return datastore.read(reader -> reader.agent(agentId))
                .orElseThrow(() -> new NotFoundException("agent", agentId));
    }

    @Override
    public Agent find(String idOrName) {
        UUID id = uuidOrNull(idOrName);
        return datastore.read(reader -> (id == null ? Optional.<Agent>empty() : reader.agent(id))
                .or(() -> reader.agentNamed(idOrName)))
                .orElseThrow(() -> new NotFoundException("agent", idOrName));
    }

    private static UUID uuidOrNull(String text) {
        try {
            return text.length() == 36 ? UUID.fromString(text) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public AgentCredentials newPassword(UUID agentId) {
        String password = hasher.generatePassword();
        String hash = hasher.hash(password);
        Instant now = clock.instant();
        Agent agent = datastore.write(tx -> {
            Agent found = requireAgent(tx, agentId);
            tx.updateAgentPasswordHash(agentId, hash);
            tx.appendEvent(EventType.AGENT_CHANGED, now, null, agentId, data("change", "password"));
            return found;
        });
        forgetVerified(agentId);
        return new AgentCredentials(agent, password);
    }

    @Override
    public Agent activate(UUID agentId) {
        Instant now = clock.instant();
        return datastore.write(tx -> {
            Agent agent = requireAgent(tx, agentId);
            if (agent.active()) {
                return agent;
            }
            Agent updated = agent.withActive(true);
            tx.updateAgent(updated);
            tx.appendEvent(EventType.AGENT_CHANGED, now, null, agentId, data("change", "activated"));
            tx.afterCommit(() -> allocator.agentChanged(updated));
            return updated;
        });
    }

    @Override
    public Agent deactivate(UUID agentId, boolean now) {
        Instant time = clock.instant();
        Agent changed = datastore.write(tx -> {
            Agent agent = requireAgent(tx, agentId);
            Agent updated = agent.withActive(false);
            if (agent.active()) {
                tx.updateAgent(updated);
            }
            List<Build> taken = reschedule(tx, tx.buildsOfAgent(agentId,
                    now ? HELD : Set.of(BuildState.ALLOCATED)), time);
            if (agent.active() || !taken.isEmpty()) {
                tx.appendEvent(EventType.AGENT_CHANGED, time, null, agentId,
                        data("change", now ? "deactivated at once" : "deactivated to drain", "builds", ids(taken)));
            }
            List<PendingBuild> pending = Lifecycle.pending(tx, taken);
            tx.afterCommit(() -> {
                allocator.agentChanged(updated);
                allocator.scheduled(pending);
            });
            return updated;
        });
        LOG.info("Agent {} ({}) deactivated{}", changed.name(), agentId,
                now ? ", its builds taken back" : "; its started builds finish");
        return changed;
    }

    @Override
    public Agent remove(UUID agentId) {
        Instant now = clock.instant();
        Agent removed = datastore.write(tx -> {
            Agent agent = requireAgent(tx, agentId);
            List<Build> taken = reschedule(tx, tx.buildsOfAgent(agentId, HELD), now);
            tx.deleteAgent(agentId);
            tx.appendEvent(EventType.AGENT_CHANGED, now, null, agentId,
                    data("change", "removed", "name", agent.name(), "builds", ids(taken)));
            List<PendingBuild> pending = Lifecycle.pending(tx, taken);
            Agent gone = agent.withActive(false);
            tx.afterCommit(() -> {
                allocator.agentChanged(gone);
                allocator.scheduled(pending);
            });
            return agent;
        });
        forgetVerified(agentId);
        LOG.info("Agent {} ({}) removed", removed.name(), agentId);
        return removed;
    }

    @Override
    public boolean authenticate(UUID agentId, String password) {
        if (agentId == null || password == null) {
            return false;
        }
        byte[] digest = PasswordHasher.digest(password);
        byte[] recent = verified.get(agentId);
        if (recent != null && MessageDigest.isEqual(recent, digest)) {
            return true;
        }
        long changesBefore = credentialChanges.get();
        Optional<String> stored = datastore.read(reader -> reader.agentPasswordHash(agentId));
        if (stored.isEmpty()) {
            return false;
        }
        boolean valid = PasswordHasher.verify(password, stored.get());
        if (valid) {
            verified.compute(agentId, (id, previous) -> credentialChanges.get() == changesBefore ? digest : previous);
        }
        return valid;
    }

    /** Called once a change of the agent's password, or its removal, is committed. */
    private void forgetVerified(UUID agentId) {
        credentialChanges.incrementAndGet();
        verified.remove(agentId);
    }

    @Override
    public void heartbeat(UUID agentId) {
        Instant now = clock.instant();
        datastore.write(tx -> {
            tx.updateAgent(requireAgent(tx, agentId).withLastSeen(now));
            tx.afterCommit(() -> allocator.agentHeard(agentId));
            return null;
        });
    }

    @Override
    public void restarted(UUID agentId) {
        Instant now = clock.instant();
        datastore.write(tx -> {
            Agent agent = requireAgent(tx, agentId);
            tx.updateAgent(agent.withLastSeen(now));
            List<Build> taken = reschedule(tx, tx.buildsOfAgent(agentId, HELD), now);
            tx.appendEvent(EventType.AGENT_CHANGED, now, null, agentId, data("change", "restarted",
                    "builds", ids(taken)));
            List<PendingBuild> pending = Lifecycle.pending(tx, taken);
            tx.afterCommit(() -> allocator.scheduled(pending));
            return null;
        });
    }

    @Override
    public void alive(UUID agentId, Collection<UUID> buildIds) {
        Instant now = clock.instant();
        if (buildIds.isEmpty()) {
            agentSigns.put(agentId, now);
        }
        buildIds.forEach(id -> buildSigns.put(id, now));
    }

    @Override
    public void reportLoad(UUID agentId, AgentLoad load) {
        loads.put(agentId, load);
    }

    @Override
    public Map<UUID, AgentActivity> activity() {
        Map<UUID, List<RunningBuild>> builds = new HashMap<>();
        for (Agent agent : datastore.read(reader -> {
            reader.runningBuilds().forEach(build ->
                    builds.computeIfAbsent(build.agentId(), id -> new ArrayList<>()).add(build));
            return reader.agents();
        })) {
            builds.putIfAbsent(agent.id(), List.of());
        }
        Map<UUID, AgentActivity> activity = new HashMap<>();
        builds.forEach((agentId, held) -> activity.put(agentId,
                new AgentActivity(agentId, held, loads.get(agentId))));
        return activity;
    }

    /** Puts the builds of agents silent since before the timeout back to scheduled, with {@code agent-lost}. */
    void reclaimFromLostAgents() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(options.agentTimeout());
        for (UUID agentId : datastore.read(reader -> reader.agentsSilentSince(cutoff))) {
            int reclaimed = datastore.write(tx -> {
                Optional<Agent> agent = tx.agent(agentId);
                if (agent.isEmpty() || (agent.get().lastSeen() != null && !agent.get().lastSeen().isBefore(cutoff))) {
                    return 0;
                }
                List<Build> taken = reschedule(tx, tx.buildsOfAgent(agentId, HELD), now);
                if (taken.isEmpty()) {
                    return 0;
                }
                tx.appendEvent(EventType.AGENT_LOST, now, null, agentId, data("name", agent.get().name(),
                        "last-seen", String.valueOf(agent.get().lastSeen()), "builds", ids(taken)));
                List<PendingBuild> pending = Lifecycle.pending(tx, taken);
                tx.afterCommit(() -> allocator.scheduled(pending));
                return taken.size();
            });
            if (reclaimed > 0) {
                LOG.warn("Agent {} is lost (silent for more than {} s): {} builds back to scheduled", agentId,
                        options.agentTimeout().toSeconds(), reclaimed);
            }
        }
    }

    /**
     * Puts the held builds without a sign of life since before the stall time back to scheduled, each with
     * {@code build-stalled}: the agent's later reports of them are refused.
     */
    void reclaimStalledBuilds() {
        if (options.stallTimeout().isZero()) {
            return;
        }
        Instant now = clock.instant();
        Instant cutoff = now.minus(options.stallTimeout());
        List<RunningBuild> held = datastore.read(reader -> reader.runningBuilds());
        Set<UUID> heldIds = held.stream().map(RunningBuild::buildId).collect(Collectors.toSet());
        buildSigns.keySet().retainAll(heldIds);
        for (RunningBuild build : held) {
            Instant lastSign = latest(build.since(), activatedAt, buildSigns.get(build.buildId()),
                    agentSigns.get(build.agentId()));
            if (!lastSign.isBefore(cutoff)) {
                continue;
            }
            boolean taken = datastore.write(tx -> {
                Optional<Build> current = tx.build(build.buildId());
                if (current.isEmpty() || !build.agentId().equals(current.get().agentId())
                        || !HELD.contains(current.get().state())) {
                    return false;
                }
                Build scheduled = reschedule(tx, List.of(current.get()), now).get(0);
                tx.appendEvent(EventType.BUILD_STALLED, now, build.buildId(), build.agentId(),
                        data("derivation", build.derivationPath(), "previous-state", current.get().state().id(),
                                "last-sign", lastSign.toString()));
                List<PendingBuild> pending = Lifecycle.pending(tx, List.of(scheduled));
                tx.afterCommit(() -> allocator.scheduled(pending));
                return true;
            });
            if (taken) {
                buildSigns.remove(build.buildId());
                LOG.warn("Build {} on agent {} showed no sign of life since {}: back to scheduled", build.buildId(),
                        build.agentId(), lastSign);
            }
        }
    }

    private static Instant latest(Instant... instants) {
        Instant latest = Instant.MIN;
        for (Instant instant : instants) {
            if (instant != null && instant.isAfter(latest)) {
                latest = instant;
            }
        }
        return latest;
    }

    private void watchForLostAgents() {
        Duration interval = options.lostAgentCheckInterval();
        Duration longest = interval.compareTo(LONGEST_WATCH_DELAY) > 0 ? interval : LONGEST_WATCH_DELAY;
        RetriedFault fault = new RetriedFault(LOG, "Looking for lost agents and stalled builds failed",
                new Backoff(interval, longest), clock);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Duration retry = fault.untilNextTry();
                Thread.sleep(retry.compareTo(interval) > 0 ? retry : interval);
                reclaimFromLostAgents();
                reclaimStalledBuilds();
                fault.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                fault.failed(e);
            }
        }
    }

    private static List<Build> reschedule(DatastoreTransaction tx, List<Build> builds, Instant now) {
        List<Build> rescheduled = new ArrayList<>();
        for (Build build : builds) {
            Build scheduled = Lifecycle.backToScheduled(build, now);
            tx.updateBuild(scheduled);
            rescheduled.add(scheduled);
        }
        return rescheduled;
    }

    private static Agent requireAgent(DatastoreTransaction tx, UUID agentId) {
        return tx.agent(agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
    }

    private static String ids(List<Build> builds) {
        return builds.stream().map(build -> build.id().toString()).collect(Collectors.joining(" "));
    }
}
