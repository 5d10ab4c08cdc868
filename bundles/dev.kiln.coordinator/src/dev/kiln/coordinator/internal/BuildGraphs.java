package dev.kiln.coordinator.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import dev.kiln.api.AllocationPlanService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildGraph;
import dev.kiln.api.BuildGraphService;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildWaiting;
import dev.kiln.api.GraphEdge;
import dev.kiln.api.GraphNode;
import dev.kiln.api.IllegalTransitionException;
import dev.kiln.api.InputBuild;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.QueuePosition;
import dev.kiln.api.WaitingKind;
import dev.kiln.api.WaitingReason;
import dev.kiln.api.allocation.Allocator;
import dev.kiln.api.datastore.BuildRef;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.DatastoreReader;

/** Why a build waits, its graph, and the actions on the builds that depend on it or that it waits for. */
@Component(service = BuildGraphService.class, configurationPid = CoordinatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class BuildGraphs implements BuildGraphService {

    /** How many inputs a reason names in its one line; the list has them all. */
    private static final int NAMED_INPUTS = 3;
    /** How many of the builds that go before a ready build its reason lists. */
    private static final int AHEAD_LISTED = 5;
    private static final Set<BuildState> NOT_FINAL = EnumSet.of(BuildState.SCHEDULED, BuildState.ALLOCATED,
            BuildState.STARTED, BuildState.DEPENDENCY_FAILED);
    /** The order in which the path that blocks a build goes on through an input: towards a failure first. */
    private static final List<BuildState> BLOCKING_ORDER = List.of(BuildState.FAILED, BuildState.DEPENDENCY_FAILED,
            BuildState.SCHEDULED, BuildState.ALLOCATED, BuildState.STARTED);

    private final Datastore datastore;
    private final Allocator allocator;
    private final AllocationPlanService plans;
    private final Clock clock;

    @Activate
    public BuildGraphs(@Reference(name = "datastore") Datastore datastore,
            @Reference(name = "allocator") Allocator allocator,
            @Reference(name = "plans") AllocationPlanService plans) {
        this.datastore = datastore;
        this.allocator = allocator;
        this.plans = plans;
        this.clock = Clock.tickMillis(ZoneOffset.UTC);
    }

    @Override
    public BuildWaiting waiting(UUID buildId) {
        record Read(Build build, Set<String> inputs, Map<String, List<BuildRef>> inputBuilds) {
        }
        Read read = datastore.read(reader -> {
            Build build = Lifecycle.requireBuild(reader, buildId);
            if (build.state() != BuildState.SCHEDULED && build.state() != BuildState.DEPENDENCY_FAILED) {
                return new Read(build, Set.of(), Map.of());
            }
            Set<String> inputs = reader.inputDerivations(Set.of(build.derivationPath()))
                    .getOrDefault(build.derivationPath(), Set.of());
            return new Read(build, inputs, Lifecycle.byDerivation(reader.buildRefsOfDerivations(inputs)));
        });
        Build build = read.build();
        List<WaitingReason> reasons = new ArrayList<>();
        List<InputBuild> pending = new ArrayList<>();
        List<InputBuild> failed = new ArrayList<>();
        for (String input : new TreeSet<>(read.inputs())) {
            List<BuildRef> builds = read.inputBuilds().get(input);
            switch (Lifecycle.status(builds)) {
                case PENDING -> pending.add(inputBuild(input, builds));
                case FAILED -> failed.add(inputBuild(input, builds));
                case AVAILABLE -> {
                }
            }
        }
        if (!pending.isEmpty()) {
            reasons.add(WaitingReason.inputs(WaitingKind.INPUTS_NOT_BUILT,
                    describe(pending, pending.size() == 1 ? "input not built yet" : "inputs not built yet"), pending));
        }
        if (!failed.isEmpty()) {
            reasons.add(WaitingReason.inputs(WaitingKind.INPUT_FAILED,
                    describe(failed, failed.size() == 1 ? "input failed" : "inputs failed"), failed));
        }
        if (build.state() == BuildState.SCHEDULED) {
            String unallocatable = plans.unallocatable(List.of(buildId)).get(buildId);
            if (unallocatable != null) {
                reasons.add(WaitingReason.of(WaitingKind.NO_ABLE_AGENT, unallocatable));
            }
            Instant now = clock.instant();
            boolean deferred = build.deferUntil() != null && build.deferUntil().isAfter(now);
            if (pending.isEmpty() && unallocatable == null && !deferred) {
                Optional<QueuePosition> queue = plans.position(buildId, AHEAD_LISTED);
                reasons.add(new WaitingReason(WaitingKind.AGENTS_BUSY, queue.map(BuildGraphs::describe)
                        .orElse("ready: every agent able to take it is busy"), null, queue.orElse(null), null));
            }
            if (deferred) {
                reasons.add(new WaitingReason(WaitingKind.DEFERRED, "deferred until " + build.deferUntil(), null,
                        null, build.deferUntil()));
            }
        }
        return new BuildWaiting(build, reasons);
    }

    private static InputBuild inputBuild(String input, List<BuildRef> builds) {
        BuildRef deciding = Lifecycle.deciding(builds).orElseThrow();
        return new InputBuild(input, deciding.id(), deciding.state());
    }

    /** {@code ready, position 3 of 7 in x86_64-linux: 1 before it by priority, 1 by fair share, 0 submitted earlier}. */
    private static String describe(QueuePosition queue) {
        if (queue.position() == 1) {
            return "ready, first of " + queue.readyInSystem() + " in " + queue.system()
                    + ": every agent able to take it is busy";
        }
        return "ready, position " + queue.position() + " of " + queue.readyInSystem() + " in " + queue.system() + ": "
                + queue.aheadByPriority() + " before it by priority, " + queue.aheadByFairShare() + " by fair share, "
                + queue.aheadBySubmission() + " submitted earlier";
    }

    /** {@code 2 inputs not built yet: a.drv (started), b.drv (scheduled)}, naming the first few. */
    private static String describe(List<InputBuild> inputs, String what) {
        String named = inputs.stream().limit(NAMED_INPUTS)
                .map(input -> name(input.derivationPath()) + " (" + input.state() + ")")
                .collect(Collectors.joining(", "));
        return inputs.size() + " " + what + ": " + named
                + (inputs.size() > NAMED_INPUTS ? " and " + (inputs.size() - NAMED_INPUTS) + " more" : "");
    }

    /** A store path's name, without its directory, hash and {@code .drv}. */
    private static String name(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        file = file.endsWith(".drv") ? file.substring(0, file.length() - ".drv".length()) : file;
        int dash = file.indexOf('-');
        return dash > 0 ? file.substring(dash + 1) : file;
    }

    @Override
    public BuildGraph graph(UUID buildId, int maxNodes) {
        if (maxNodes < 1) {
            throw new InvalidRequestException("a graph has at least one node, not " + maxNodes);
        }
        return datastore.read(reader -> new GraphWalk(reader, Lifecycle.requireBuild(reader, buildId), maxNodes)
                .withInputs().withDependents().graph());
    }

    @Override
    public List<Build> cancelWithDependents(UUID buildId) {
        Instant now = clock.instant();
        return datastore.write(tx -> {
            Build build = Lifecycle.requireBuild(tx, buildId);
            if (build.state().isFinal()) {
                throw new IllegalTransitionException(buildId, build.state(), "cancel");
            }
            List<Build> canceled = new ArrayList<>();
            canceled.add(Lifecycle.cancel(tx, build, now, allocator));
            Set<String> seen = new HashSet<>(Set.of(build.derivationPath()));
            Set<String> current = Set.of(build.derivationPath());
            while (!current.isEmpty()) {
                List<BuildRef> dependents = tx.buildRefsWaitingOn(current, NOT_FINAL);
                Set<String> next = new HashSet<>();
                for (Build dependent : tx.builds(dependents.stream().map(BuildRef::id).toList())) {
                    canceled.add(Lifecycle.cancel(tx, dependent, now, allocator));
                    if (seen.add(dependent.derivationPath())) {
                        next.add(dependent.derivationPath());
                    }
                }
                current = next;
            }
            return canceled;
        });
    }

    @Override
    public List<Build> raiseInputPriority(UUID buildId, int priority) {
        Instant now = clock.instant();
        return datastore.write(tx -> {
            Build build = Lifecycle.requireBuild(tx, buildId);
            Set<String> waitedFor = new GraphWalk(tx, build, Integer.MAX_VALUE).withInputs().nodes.values().stream()
                    .filter(node -> node.depth > 0 && node.state != null && node.state.isPending())
                    .map(node -> node.derivation).collect(Collectors.toSet());
            List<UUID> ids = tx.buildRefsOfDerivations(waitedFor).stream().filter(ref -> ref.state().isPending())
                    .map(BuildRef::id).toList();
            List<Build> raised = new ArrayList<>();
            for (Build input : tx.builds(ids)) {
                if (input.priority() < priority) {
                    raised.add(Lifecycle.changePriority(tx, input, priority, now, allocator));
                }
            }
            raised.sort(Comparator.comparing(Build::derivationPath));
            return raised;
        });
    }

    /**
     * A walk of a build's graph, breadth first, one query per step away for the whole front: through the inputs
     * that are not built (those built are counted, not followed), and through the derivations that need it. Stops
     * adding nodes at the bound, and counts what it leaves out.
     */
    private static final class GraphWalk {

        private final DatastoreReader reader;
        private final Build build;
        private final int maxNodes;
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private final Set<GraphEdge> edges = new LinkedHashSet<>();
        private final Set<String> omitted = new HashSet<>();

        GraphWalk(DatastoreReader reader, Build build, int maxNodes) {
            this.reader = reader;
            this.build = build;
            this.maxNodes = maxNodes;
            nodes.put(build.derivationPath(), new Node(build.derivationPath(), build.id(), build.state(), 0));
        }

        GraphWalk withInputs() {
            Set<String> front = Set.of(build.derivationPath());
            for (int depth = 1; !front.isEmpty(); depth++) {
                Map<String, Set<String>> inputsOf = reader.inputDerivations(front);
                Set<String> inputs = inputsOf.values().stream().flatMap(Set::stream)
                        .filter(input -> !nodes.containsKey(input)).collect(Collectors.toSet());
                Map<String, List<BuildRef>> builds = Lifecycle.byDerivation(reader.buildRefsOfDerivations(inputs));
                Set<String> next = new TreeSet<>();
                for (String dependent : new TreeSet<>(front)) {
                    for (String input : new TreeSet<>(inputsOf.getOrDefault(dependent, Set.of()))) {
                        Node known = nodes.get(input);
                        if (known == null && Lifecycle.status(builds.get(input)) == Lifecycle.InputStatus.AVAILABLE) {
                            nodes.get(dependent).builtInputs++;
                        } else if (known != null || add(input, builds.get(input), depth)) {
                            edges.add(new GraphEdge(input, dependent));
                            if (known == null) {
                                next.add(input);
                            }
                        }
                    }
                }
                front = next;
            }
            return this;
        }

        GraphWalk withDependents() {
            Set<String> front = Set.of(build.derivationPath());
            for (int depth = -1; !front.isEmpty(); depth--) {
                Map<String, List<BuildRef>> dependents = Lifecycle.byDerivation(
                        reader.buildRefsWaitingOn(front, EnumSet.allOf(BuildState.class)));
                Map<String, Set<String>> inputsOf = reader.inputDerivations(dependents.keySet());
                Set<String> next = new TreeSet<>();
                for (String dependent : new TreeSet<>(dependents.keySet())) {
                    boolean known = nodes.containsKey(dependent);
                    if (!known && !add(dependent, dependents.get(dependent), depth)) {
                        continue;
                    }
                    for (String input : new TreeSet<>(inputsOf.getOrDefault(dependent, Set.of()))) {
                        if (front.contains(input)) {
                            edges.add(new GraphEdge(input, dependent));
                        }
                    }
                    if (!known) {
                        next.add(dependent);
                    }
                }
                front = next;
            }
            return this;
        }

        /** Adds a node unless the bound is reached; returns whether it did. */
        private boolean add(String derivation, Collection<BuildRef> builds, int depth) {
            if (nodes.size() >= maxNodes) {
                omitted.add(derivation);
                return false;
            }
            Optional<BuildRef> deciding = Lifecycle.deciding(builds);
            nodes.put(derivation, new Node(derivation, deciding.map(BuildRef::id).orElse(null),
                    deciding.map(BuildRef::state).orElse(null), depth));
            return true;
        }

        BuildGraph graph() {
            List<String> path = blockingPath();
            Set<String> blocking = new HashSet<>(path);
            return new BuildGraph(build.id(), nodes.values().stream()
                    .map(node -> new GraphNode(node.derivation, node.buildId, node.state, node.depth,
                            node.builtInputs, blocking.contains(node.derivation)))
                    .toList(), List.copyOf(edges), path, omitted.size());
        }

        /**
         * From the build's derivation through its inputs that are not built, towards a failure first, to one whose
         * own inputs are built: empty unless the build waits for an input.
         */
        private List<String> blockingPath() {
            Map<String, List<String>> inputsOf = new LinkedHashMap<>();
            for (GraphEdge edge : edges) {
                Node input = nodes.get(edge.input());
                if (input.depth > 0) {
                    inputsOf.computeIfAbsent(edge.dependent(), k -> new ArrayList<>()).add(edge.input());
                }
            }
            List<String> path = new ArrayList<>();
            if (build.state() != BuildState.SCHEDULED && build.state() != BuildState.DEPENDENCY_FAILED) {
                return path;
            }
            String current = build.derivationPath();
            Set<String> visited = new HashSet<>();
            while (current != null && visited.add(current)) {
                path.add(current);
                current = inputsOf.getOrDefault(current, List.of()).stream()
                        .min(Comparator.comparingInt((String input) -> BLOCKING_ORDER.indexOf(nodes.get(input).state))
                                .thenComparing(input -> input))
                        .orElse(null);
            }
            return path.size() > 1 ? path : List.of();
        }
    }

    /** A node while the graph is walked. */
    private static final class Node {
        final String derivation;
        final UUID buildId;
        final BuildState state;
        final int depth;
        int builtInputs;

        Node(String derivation, UUID buildId, BuildState state, int depth) {
            this.derivation = derivation;
            this.buildId = buildId;
            this.state = state;
            this.depth = depth;
        }
    }
}
