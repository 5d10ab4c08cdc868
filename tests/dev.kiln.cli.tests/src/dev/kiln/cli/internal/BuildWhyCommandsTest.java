package dev.kiln.cli.internal;

import static dev.kiln.cli.internal.RunningCoordinator.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kiln.cli.internal.RunningCoordinator.Run;
import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.KilnClient;
import dev.kiln.protocol.AheadReason;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.GraphNodeInfo;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.protocol.QueuePositionInfo;
import dev.kiln.protocol.QueuedAheadInfo;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.protocol.WaitingKind;
import dev.kiln.protocol.WaitingReasonInfo;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.StateDirectories;

/**
 * {@code kiln build why}, {@code graph}, {@code cancel --with-dependents} and {@code priority --inputs}, and the
 * client methods under them, against a real coordinator, on a graph made by {@code nix-instantiate}.
 */
class BuildWhyCommandsTest {

    private static final String SYSTEM = "x86_64-linux";
    private static final String GRAPH = """
            let
              mk = name: deps: features: derivation {
                inherit name;
                system = "x86_64-linux";
                builder = "/bin/sh";
                args = [ "-c" "echo ${toString deps} > $out" ];
                requiredSystemFeatures = features;
              };
              base = mk "base" [ ] [ ];
              lib = mk "lib" [ base ] [ ];
              app = mk "app" [ lib ] [ ];
            in [ base lib app (mk "needs-kvm" [ ] [ "kvm" ]) (mk "first" [ ] [ ]) (mk "second" [ ] [ ])
                 (mk "third" [ ] [ ]) (mk "later" [ ] [ ]) ]
            """;

    private static final Path temporary = StateDirectories.create("kiln-build-why-");
    private static RunningCoordinator coordinator;
    private static String url;
    private static KilnClient client;
    /** One agent of the system, without features, that fetches only when a test makes it. */
    private static KilnAgentClient agent;
    private static Map<String, Path> files;

    @BeforeAll
    static void start() throws Exception {
        coordinator = new RunningCoordinator(temporary.resolve("state"));
        url = coordinator.clientApi().toString();
        client = new KilnClient(coordinator.clientApi());
        agent = coordinator.agent(SYSTEM);
        RealNix nix = RealNix.require(Files.createDirectories(temporary.resolve("nix")));
        files = new HashMap<>();
        for (String drv : nix.instantiate(nix.store("source"), GRAPH)) {
            String name = drv.substring(drv.indexOf('-') + 1, drv.length() - ".drv".length());
            files.put(name, nix.storeFiles("source").resolve(drv.substring("/nix/store/".length())));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        RunningCoordinator.stop(coordinator, temporary);
    }

    @Test
    void eachReasonIsSaidInTheApiAndTheCommandAndTheGraphShowsThePathThatBlocks() throws Exception {
        Map<String, UUID> ids = submit("base", "lib", "app", "needs-kvm");
        RunningCoordinator.fetch(agent, SYSTEM, ids.get("base").toString());
        agent.started(ids.get("base"));

        WaitingReasonInfo inputs = onlyReason(ids.get("lib"), WaitingKind.INPUTS_NOT_BUILT);
        assertEquals(List.of(ids.get("base")), inputs.inputs().stream().map(i -> i.build()).toList());
        assertEquals(BuildState.STARTED, inputs.inputs().get(0).state());
        Run why = kiln("build", "why", ids.get("lib").toString(), "--coordinator", url);
        assertEquals(0, why.exit(), why.err());
        assertTrue(why.out().contains("1. 1 input not built yet: base (started)"), why.out());
        assertTrue(why.out().contains(ids.get("base").toString()), why.out());

        WaitingReasonInfo noAgent = onlyReason(ids.get("needs-kvm"), WaitingKind.NO_ABLE_AGENT);
        assertEquals("no agent has kvm", noAgent.detail());
        WaitingInfo read = json(kiln("build", "why", ids.get("needs-kvm").toString(), "--coordinator", url, "--json"),
                WaitingInfo.class);
        assertEquals(List.of(WaitingKind.NO_ABLE_AGENT), kinds(read));

        agent.failed(ids.get("base"));
        WaitingReasonInfo failed = onlyReason(ids.get("app"), WaitingKind.INPUT_FAILED);
        assertEquals(List.of(ids.get("lib")), failed.inputs().stream().map(i -> i.build()).toList());
        assertEquals(BuildState.DEPENDENCY_FAILED, failed.inputs().get(0).state());
        assertTrue(kiln("build", "why", ids.get("lib").toString(), "--coordinator", url).out()
                .contains("1 input failed: base (failed)"));

        BuildGraphInfo graph = client.graph(ids.get("app"), 100);
        Map<String, GraphNodeInfo> nodes = graph.nodes().stream()
                .collect(Collectors.toMap(node -> name(node.derivation()), node -> node));
        assertEquals(Set.of("app", "lib", "base"), nodes.keySet());
        assertEquals(List.of("app", "lib", "base"),
                graph.blockingPath().stream().map(BuildWhyCommandsTest::name).toList());
        assertEquals(BuildState.FAILED, nodes.get("base").state());
        assertEquals(2, nodes.get("base").depth());
        assertTrue(nodes.values().stream().allMatch(GraphNodeInfo::blocking));
        BuildGraphInfo fromBase = client.graph(ids.get("base"), 100);
        assertEquals(Map.of("base", 0, "lib", -1, "app", -2), fromBase.nodes().stream()
                .collect(Collectors.toMap(node -> name(node.derivation()), GraphNodeInfo::depth)));
        assertEquals(List.of(), fromBase.blockingPath(), "a failed build waits for nothing");
        Run dot = kiln("build", "graph", ids.get("app").toString(), "--dot", "--coordinator", url);
        assertEquals(0, dot.exit(), dot.err());
        assertTrue(dot.out().startsWith("digraph build {"), dot.out());
        assertTrue(dot.out().contains("\"" + nodes.get("base").derivation() + "\" -> \"" + nodes.get("lib").derivation()
                + "\" [color=red, penwidth=3];"), dot.out());
        Run text = kiln("build", "graph", ids.get("app").toString(), "--coordinator", url);
        assertTrue(text.out().lines().anyMatch(line -> line.startsWith("*    2  failed")), text.out());

        client.retry(ids.get("base"));
        BuildList raised = json(kiln("build", "priority", ids.get("app").toString(), "50", "--inputs", "--coordinator",
                url, "--json"), BuildList.class);
        assertEquals(Set.of(ids.get("base"), ids.get("lib")), ids(raised));
        assertTrue(raised.builds().stream().allMatch(build -> build.priority() == 50), raised.toString());
        assertEquals(0, client.build(ids.get("app")).priority(), "the build itself keeps its priority");

        BuildList canceled = json(kiln("build", "cancel", ids.get("base").toString(), "--with-dependents",
                "--coordinator", url, "--json"), BuildList.class);
        assertEquals(Set.of(ids.get("base"), ids.get("lib"), ids.get("app")), ids(canceled));
        for (String name : List.of("base", "lib", "app")) {
            assertEquals(BuildState.CANCELED, client.build(ids.get(name)).state(), name);
            assertEquals(List.of(), client.waiting(ids.get(name)).reasons(), name);
        }
        Run again = kiln("build", "cancel", ids.get("base").toString(), "--with-dependents", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, again.exit());
        assertEquals(1, again.err().strip().lines().count(), again.err());
        client.cancel(ids.get("needs-kvm"));
    }

    @Test
    void aReadyBuildWaitsForBusyAgentsAndADeferredOneForItsTime() throws Exception {
        Map<String, UUID> ids = submitWith(List.of("--priority", "10"), "first");
        ids.putAll(submitWith(List.of("--priority", "5"), "second"));
        ids.putAll(submit("third"));
        ids.putAll(submitWith(List.of("--defer-until", "2099-01-01T00:00:00Z"), "later"));
        try {
            RunningCoordinator.fetch(agent, SYSTEM, ids.get("first").toString());
            QueuePositionInfo queue = onlyReason(ids.get("third"), WaitingKind.AGENTS_BUSY).queue();
            assertEquals(2, queue.position(), queue.toString());
            assertEquals(2, queue.ready(), "the allocated build is no longer in the queue");
            assertEquals(1, queue.aheadByPriority());
            assertEquals(List.of(ids.get("second")), queue.ahead().stream().map(QueuedAheadInfo::build).toList());
            assertEquals(AheadReason.HIGHER_PRIORITY, queue.ahead().get(0).reason());
            Run why = kiln("build", "why", ids.get("third").toString(), "--coordinator", url);
            assertEquals(0, why.exit(), why.err());
            assertTrue(why.out().contains("1. ready, position 2 of 2 in x86_64-linux: 1 before it by priority, 0 by"
                    + " fair share, 0 submitted earlier"), why.out());
            assertTrue(why.out().contains("before it (higher-priority, priority 5): " + ids.get("second")), why.out());
            assertEquals(1, client.waiting(ids.get("second")).reasons().get(0).queue().position());

            WaitingReasonInfo deferred = onlyReason(ids.get("later"), WaitingKind.DEFERRED);
            assertEquals("2099-01-01T00:00:00Z", deferred.until().toString());
            why = kiln("build", "why", ids.get("later").toString(), "--coordinator", url);
            assertTrue(why.out().contains("1. deferred until 2099-01-01T00:00:00Z"), why.out());
        } finally {
            for (UUID id : ids.values()) {
                client.cancel(id);
            }
        }
    }

    @Test
    void aBadIdOrBoundIsOneLineAndAFailure() {
        Run unknown = kiln("build", "why", UUID.randomUUID().toString(), "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, unknown.exit());
        assertTrue(unknown.err().startsWith("kiln: not found: "), unknown.err());
        Run bound = kiln("build", "graph", UUID.randomUUID().toString(), "--max", "0", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, bound.exit());
        assertTrue(bound.err().startsWith("kiln: bad request: max is between 1 and"), bound.err());
    }

    /**
     * The build's only reason, of this kind (with its place in the queue when its agents are busy), once the allocator
     * has taken the latest changes in.
     */
    private static WaitingReasonInfo onlyReason(UUID id, WaitingKind kind) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RunningCoordinator.TIMEOUT_SECONDS);
        WaitingInfo waiting = client.waiting(id);
        while (!(kinds(waiting).equals(List.of(kind))
                && (kind != WaitingKind.AGENTS_BUSY || waiting.reasons().get(0).queue() != null))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            waiting = client.waiting(id);
        }
        assertEquals(List.of(kind), kinds(waiting), waiting.toString());
        return waiting.reasons().get(0);
    }

    private static List<WaitingKind> kinds(WaitingInfo waiting) {
        return waiting.reasons().stream().map(WaitingReasonInfo::kind).toList();
    }

    private static <T> T json(Run run, Class<T> type) throws Exception {
        assertEquals(0, run.exit(), run.err());
        return ProtocolJson.read(run.out().getBytes(StandardCharsets.UTF_8), type);
    }

    private static Map<String, UUID> submit(String... names) {
        return submitWith(List.of(), names);
    }

    private static Map<String, UUID> submitWith(List<String> options, String... names) {
        List<String> args = new ArrayList<>(List.of("build", "submit", "--coordinator", url, "--json"));
        args.addAll(options);
        for (String name : names) {
            args.add(files.get(name).toString());
        }
        Run submitted = kiln(args.toArray(String[]::new));
        assertEquals(0, submitted.exit(), submitted.err());
        Map<String, UUID> ids = new HashMap<>();
        Matcher matcher = Pattern.compile("\"id\":\"([0-9a-f-]{36})\",\"derivation\":\"([^\"]+)\"")
                .matcher(submitted.out());
        while (matcher.find()) {
            ids.put(name(matcher.group(2)), UUID.fromString(matcher.group(1)));
        }
        assertEquals(Set.of(names), ids.keySet(), submitted.out());
        return ids;
    }

    private static Set<UUID> ids(BuildList builds) {
        return builds.builds().stream().map(BuildInfo::id).collect(Collectors.toSet());
    }

    private static String name(String drv) {
        String file = drv.substring(drv.lastIndexOf('/') + 1);
        return file.substring(file.indexOf('-') + 1, file.length() - ".drv".length());
    }
}
