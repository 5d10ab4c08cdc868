package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.client.DerivationClosure;
import dev.kiln.client.KilnClient;
import dev.kiln.client.TransferProgress;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildRequest;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.GraphNodeInfo;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.protocol.SubmitResult;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.protocol.WaitingKind;
import dev.kiln.protocol.WaitingReasonInfo;
import dev.kiln.store.StoreDir;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.Services;
import dev.kiln.transport.jetty.HttpEndpoints;

/**
 * {@code GET /api/v1/builds/{id}/waiting} and {@code /graph} on the real coordinator (Derby, allocator, Jetty), over
 * a graph of a few thousand derivations made by {@code nix-instantiate}: the answer stays bounded, built inputs are
 * counted instead of shown, and the path that blocks a build is marked.
 */
class BuildGraphEndpointTest {

    private static final int LEAVES_PER_MID = 50;
    private static final int MIDS = 40;
    private static final int LONE = 1000;
    /** root needs 40 mids, each needing 50 leaves of its own; wide needs 1000 derivations that have no build. */
    private static final String GRAPH = """
            let
              mk = name: deps: derivation {
                inherit name;
                system = "x86_64-linux";
                builder = "/bin/sh";
                args = [ "-c" "echo ${toString deps} > $out" ];
              };
              leaves = j: builtins.genList (i: mk "leaf-${toString j}-${toString i}" [ ]) %d;
              mids = builtins.genList (j: mk "mid-${toString j}" (leaves j)) %d;
            in [ (mk "root" mids) (mk "wide" (builtins.genList (i: mk "lone-${toString i}" [ ]) %d)) ]
            """.formatted(LEAVES_PER_MID, MIDS, LONE);

    @TempDir
    static Path temporary;

    private static final BundleContext CONTEXT = Services.context(BuildGraphEndpointTest.class);
    private static final List<Configuration> CONFIGURATIONS = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static URI clientApi;
    private static Map<String, UUID> ids;

    @BeforeAll
    static void start() throws Exception {
        String state = Files.createDirectories(temporary.resolve("state")).toString();
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.cache", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.transport.jetty", Map.of("state.dir", state,
                "client.listen", "127.0.0.1:0", "agent.listen", "127.0.0.1:0")));
        clientApi = Services.await(CONTEXT, HttpEndpoints.class).clientApi();

        RealNix nix = RealNix.require(Files.createDirectories(temporary.resolve("nix")));
        List<String> roots = nix.instantiate(nix.store("source"), GRAPH);
        String requisites = nix.run("nix-store", "--store", nix.store("source"), "--query", "--requisites",
                roots.get(0));
        List<Path> files = new ArrayList<>();
        for (String drv : requisites.lines().filter(path -> path.endsWith(".drv")).toList()) {
            files.add(nix.storeFiles("source").resolve(drv.substring("/nix/store/".length())));
        }
        files.add(nix.storeFiles("source").resolve(roots.get(1).substring("/nix/store/".length())));
        KilnClient client = new KilnClient(clientApi);
        ids = new HashMap<>();
        for (SubmitResult result : client.submit(DerivationClosure.read(new StoreDir("/nix/store"), files),
                path -> new BuildRequest(path, 0, Map.of(), Map.of(), false, false, null), TransferProgress.NONE)
                .results()) {
            ids.put(name(result.derivation()), result.id());
        }
        assertEquals(1 + MIDS + MIDS * LEAVES_PER_MID + 1, ids.size(), "root, mids, leaves and wide have builds");
    }

    @AfterAll
    static void stop() {
        for (Configuration configuration : CONFIGURATIONS.reversed()) {
            try {
                configuration.delete();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Services.awaitGone(CONTEXT, HttpEndpoints.class);
    }

    @Test
    void aGraphOfThousandsIsBoundedNearestFirstAndMarksThePathThatBlocks() throws Exception {
        HttpResponse<String> bounded = get("/api/v1/builds/" + ids.get("root") + "/graph?max=300");
        assertEquals(200, bounded.statusCode(), bounded.body());
        assertTrue(bounded.body().length() < 150_000, "300 nodes in " + bounded.body().length() + " characters");
        BuildGraphInfo graph = read(bounded, BuildGraphInfo.class);
        assertEquals(300, graph.nodes().size());
        assertEquals(1 + MIDS + MIDS * LEAVES_PER_MID - 300, graph.omitted());
        assertEquals("root", name(graph.nodes().get(0).derivation()));
        assertEquals(MIDS, graph.nodes().stream().filter(node -> node.depth() == 1).count(), "the mids come first");
        Set<String> shown = graph.nodes().stream().map(GraphNodeInfo::derivation).collect(Collectors.toSet());
        assertTrue(graph.edges().stream().allMatch(e -> shown.contains(e.input()) && shown.contains(e.dependent())));
        assertEquals(3, graph.blockingPath().size(), graph.blockingPath().toString());
        assertTrue(name(graph.blockingPath().get(2)).startsWith("leaf-"), graph.blockingPath().toString());
        assertEquals(Set.copyOf(graph.blockingPath()), graph.nodes().stream().filter(GraphNodeInfo::blocking)
                .map(GraphNodeInfo::derivation).collect(Collectors.toSet()));

        BuildGraphInfo whole = read(get("/api/v1/builds/" + ids.get("root") + "/graph?max=10000"),
                BuildGraphInfo.class);
        assertEquals(1 + MIDS + MIDS * LEAVES_PER_MID, whole.nodes().size());
        assertEquals(0, whole.omitted());
        assertEquals(MIDS + MIDS * LEAVES_PER_MID, whole.edges().size());

        BuildGraphInfo fromLeaf = read(get("/api/v1/builds/" + ids.get("leaf-7-3") + "/graph"), BuildGraphInfo.class);
        assertEquals(Map.of("leaf-7-3", 0, "mid-7", -1, "root", -2), fromLeaf.nodes().stream()
                .collect(Collectors.toMap(node -> name(node.derivation()), GraphNodeInfo::depth)));
        assertEquals(List.of(), fromLeaf.blockingPath(), "a leaf waits for no input");
    }

    @Test
    void inputsWithoutBuildsAreCountedNotShown() throws Exception {
        BuildGraphInfo wide = read(get("/api/v1/builds/" + ids.get("wide") + "/graph"), BuildGraphInfo.class);
        assertEquals(1, wide.nodes().size());
        assertEquals(LONE, wide.nodes().get(0).builtInputs());
        assertEquals(BuildState.SCHEDULED, wide.nodes().get(0).state());
        assertEquals(0, wide.omitted());
    }

    @Test
    void aBuildWaitsForItsInputsAndForAnAgentOfItsSystem() throws Exception {
        WaitingInfo root = read(get("/api/v1/builds/" + ids.get("root") + "/waiting"), WaitingInfo.class);
        assertEquals(List.of(WaitingKind.INPUTS_NOT_BUILT, WaitingKind.NO_ABLE_AGENT),
                root.reasons().stream().map(WaitingReasonInfo::kind).toList());
        WaitingReasonInfo inputs = root.reasons().get(0);
        assertEquals(MIDS, inputs.inputs().size());
        assertTrue(inputs.detail().matches(MIDS + " inputs not built yet: (mid-[0-9]+ \\(scheduled\\), ){2}"
                + "mid-[0-9]+ \\(scheduled\\) and " + (MIDS - 3) + " more"), inputs.detail());
        assertEquals("no agent builds for x86_64-linux", root.reasons().get(1).detail());

        WaitingInfo leaf = read(get("/api/v1/builds/" + ids.get("leaf-0-0") + "/waiting"), WaitingInfo.class);
        assertEquals(List.of(WaitingKind.NO_ABLE_AGENT), leaf.reasons().stream().map(WaitingReasonInfo::kind).toList());
    }

    @Test
    void anUnknownBuildOrABadBoundIsRefusedWithAJsonBody() throws Exception {
        HttpResponse<String> unknown = get("/api/v1/builds/" + UUID.randomUUID() + "/waiting");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().startsWith("{\"error\":\"not found\""), unknown.body());
        for (String max : List.of("0", "10001", "many")) {
            HttpResponse<String> bad = get("/api/v1/builds/" + ids.get("root") + "/graph?max=" + max);
            assertEquals(400, bad.statusCode(), max);
            assertTrue(bad.body().contains("\"detail\":\"max is"), bad.body());
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(clientApi.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T read(HttpResponse<String> response, Class<T> type) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return ProtocolJson.read(response.body().getBytes(StandardCharsets.UTF_8), type);
    }

    private static String name(String drv) {
        String file = drv.substring(drv.lastIndexOf('/') + 1);
        return file.substring(file.indexOf('-') + 1, file.length() - ".drv".length());
    }
}
