package dev.kiln.transport.jetty.tests;

import static dev.kiln.transport.jetty.tests.BuildLifecycleTest.json;
import static dev.kiln.transport.jetty.tests.BuildLifecycleTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.Tag;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentList;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.BuildCounts;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.FetchAnswer;

/** Tagging builds, counting them, the list's sort and total, and the agents' builds and load, over HTTP. */
class BuildTagsCountsAndAgentsTest {

    @TempDir
    static Path temporary;

    private static TestCoordinator coordinator;

    @BeforeAll
    static void start() throws Exception {
        coordinator = new TestCoordinator(temporary, 1024 * 1024);
    }

    @AfterAll
    static void stop() throws Exception {
        coordinator.close();
    }

    @Test
    void tagsABuildAndRemovesATag() throws Exception {
        UUID id = submit("tagged", Set.of(Tag.parse("jobset=main"), Tag.parse("old=1")));

        BuildInfo tagged = read(coordinator.send(coordinator.asClient("/api/v1/builds/" + id
                + "/tags").header("Content-Type", "application/json")
                .PUT(json("{\"tags\":{\"jobset\":\"release\",\"checked-by\":\"tagger\"},\"remove\":[\"old\"]}"))
                .build()), 200, BuildInfo.class);
        assertEquals(Map.of("jobset", "release", "checked-by", "tagger"), tagged.tags());

        BuildInfo untagged = read(coordinator.send(coordinator.asClient("/api/v1/builds/" + id
                + "/tags/jobset").DELETE().build()), 200, BuildInfo.class);
        assertEquals(Map.of("checked-by", "tagger"), untagged.tags());
        assertEquals(Map.of("checked-by", "tagger"),
                read(coordinator.get(coordinator.client("/api/v1/builds/" + id)), 200, BuildInfo.class).tags());

        Map<?, ?> bad = read(coordinator.send(coordinator.asClient("/api/v1/builds/" + id
                + "/tags").header("Content-Type", "application/json")
                .PUT(json("{\"tags\":{\"no space\":\"x\"}}")).build()), 400, Map.class);
        assertTrue(bad.toString().contains("invalid tag key"), bad.toString());
        read(coordinator.send(coordinator.asClient("/api/v1/builds/" + UUID.randomUUID()
                + "/tags/jobset").DELETE().build()), 404, Map.class);
        read(coordinator.send(coordinator.asClient("/api/v1/builds/" + id + "/tags")
                .POST(json("{}")).build()), 405, Map.class);
    }

    @Test
    void countsBuildsByStateAndGivesTheListsTotalWhenAsked() throws Exception {
        String run = "run=" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            submit("counted-" + i, Set.of(Tag.parse(run)));
        }

        BuildCounts counts = read(coordinator.get(coordinator.client("/api/v1/builds/counts?tag=" + run)), 200,
                BuildCounts.class);
        assertEquals(Map.of(dev.kiln.protocol.BuildState.SCHEDULED, 3L), counts.states());
        assertEquals(3, counts.total());
        assertEquals(0, read(coordinator.get(coordinator.client("/api/v1/builds/counts?tag=" + run
                + "&state=failed")), 200, BuildCounts.class).total());

        BuildList page = read(coordinator.get(coordinator.client("/api/v1/builds?tag=" + run
                + "&limit=2&total=true&sort=priority&order=asc")), 200, BuildList.class);
        assertEquals(2, page.builds().size());
        assertEquals(3L, page.total());
        assertNull(read(coordinator.get(coordinator.client("/api/v1/builds?tag=" + run)), 200, BuildList.class)
                .total(), "no total unless asked");
        read(coordinator.get(coordinator.client("/api/v1/builds?sort=colour")), 400, Map.class);
        read(coordinator.get(coordinator.client("/api/v1/builds?order=sideways")), 400, Map.class);
        read(coordinator.get(coordinator.client("/api/v1/builds/counts/more")), 404, Map.class);
    }

    @Test
    void listsTheBuildsEachAgentHoldsWithTheLoadItReported() throws Exception {
        AgentPassword agent = coordinator.newAgent("loaded", "x86_64-linux");
        UUID id = submit("held", Set.of());
        FetchAnswer fetched = read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                .POST(json("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":1000,\"load\":0.25}")).build()), 200,
                FetchAnswer.class);
        assertTrue(fetched.builds().stream().anyMatch(build -> build.id().equals(id)));
        AgentInfo afterFetch = agentInfo(agent);
        assertEquals(0.25, afterFetch.load());
        assertEquals(1000, afterFetch.freeSlots());
        assertTrue(afterFetch.builds().stream().anyMatch(build -> build.id().equals(id)
                && build.state() == dev.kiln.protocol.BuildState.ALLOCATED), afterFetch.toString());

        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/status")
                .POST(json("{\"running\":[],\"load\":3.5,\"freeSlots\":2}")).build()), 200, Object.class);
        AgentInfo afterStatus = agentInfo(agent);
        assertEquals(3.5, afterStatus.load());
        assertEquals(2, afterStatus.freeSlots());
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/status")
                .POST(json("{\"running\":[]}")).build()), 200, Object.class);
        assertEquals(3.5, agentInfo(agent).load(), "an agent without the field keeps its last report");

        // An agent asks for as many builds as it has slots; the builders it runs take slots that are not free.
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                .POST(json("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":2,\"load\":1.0,\"running\":2}"))
                .build()), 200, FetchAnswer.class);
        assertEquals(0, agentInfo(agent).freeSlots(), "two slots, both building");
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                .POST(json("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":3,\"load\":1.0,\"running\":1}"))
                .build()), 200, FetchAnswer.class);
        assertEquals(2, agentInfo(agent).freeSlots(), "three slots, one building");
    }

    @Test
    void agentsAreNamedUniquelyDeactivatedAtOnceAndRemoved() throws Exception {
        AgentPassword agent = coordinator.newAgent("lifecycle", "x86_64-linux");
        Map<?, ?> duplicate = read(coordinator.send(coordinator.asClient("/api/v1/agents")
                .header("Content-Type", "application/json")
                .POST(json("{\"name\":\"lifecycle\",\"systems\":[\"x86_64-linux\"]}")).build()), 409, Map.class);
        assertTrue(String.valueOf(duplicate.get("detail")).contains("already an agent named lifecycle"),
                duplicate.toString());
        assertEquals(agent.id(), read(coordinator.get(coordinator.client("/api/v1/agents/lifecycle")), 200,
                AgentInfo.class).id(), "found by name");
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                .POST(json("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":1}")).build()), 200, FetchAnswer.class);

        read(coordinator.send(coordinator.asClient("/api/v1/agents/lifecycle/deactivate?now=true")
                .POST(HttpRequest.BodyPublishers.noBody()).build()), 200, AgentInfo.class);

        Map<?, ?> refused = read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                .POST(json("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":1}")).build()), 403, Map.class);
        assertEquals("deactivated", refused.get("error"), "refused at the next fetch, not 30 s later");
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/status")
                .POST(json("{\"running\":[]}")).build()), 200, Object.class);
        read(coordinator.send(coordinator.asClient("/api/v1/agents/lifecycle/deactivate?now=maybe")
                .POST(HttpRequest.BodyPublishers.noBody()).build()), 400, Map.class);

        AgentInfo removed = read(coordinator.send(coordinator.asClient("/api/v1/agents/" + agent.id()).DELETE()
                .build()), 200, AgentInfo.class);
        assertEquals("lifecycle", removed.name());
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/status")
                .POST(json("{\"running\":[]}")).build()), 401, Map.class);
        read(coordinator.get(coordinator.client("/api/v1/agents/lifecycle")), 404, Map.class);
    }

    @Test
    void eachPortSaysWhenARequestWasMeantForTheOther() throws Exception {
        AgentPassword agent = coordinator.newAgent("wrong-port", "x86_64-linux");
        Map<?, ?> onClientPort = read(coordinator.send(HttpRequest.newBuilder(coordinator.client("/agent/v1/fetch"))
                .header("Authorization", coordinator.asAgent(agent, "/agent/v1/fetch").build().headers()
                        .firstValue("Authorization").orElseThrow())
                .POST(json("{\"systems\":[],\"freeSlots\":1}")).build()), 404, Map.class);
        assertTrue(String.valueOf(onClientPort.get("detail")).contains("agents talk to its agent API"),
                onClientPort.toString());
        Map<?, ?> onAgentPort = read(coordinator.send(coordinator.asAgent(agent, "/api/v1/builds").GET().build()), 404,
                Map.class);
        assertTrue(String.valueOf(onAgentPort.get("detail")).contains("commands talk to its client API"),
                onAgentPort.toString());
    }

    @Test
    void aFollowedLogAndAnEventStreamEndOnTheServerOnceTheirReaderGoesAway() throws Exception {
        UUID id = submit("followed", Set.of());
        for (String path : List.of("/api/v1/builds/" + id + "/log?follow=true", "/api/v1/events")) {
            String route = path.startsWith("/api/v1/events") ? "GET /api/v1/events" : "GET /api/v1/builds/{id}/log";
            long before = answered(route);
            URI uri = coordinator.client(path);
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost()
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] status = socket.getInputStream().readNBytes(12);
                assertEquals("HTTP/1.1 200", new String(status, StandardCharsets.US_ASCII));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (answered(route) == before) {
                assertTrue(System.nanoTime() < deadline, "the server still answers " + path);
                Thread.sleep(50);
            }
        }
    }

    /** How many requests of the route the server finished answering, from its metrics. */
    private static long answered(String route) throws Exception {
        String metrics = coordinator.get(coordinator.client("/metrics")).body();
        String prefix = "kiln_http_request_duration_seconds_count{route=\"" + route + "\"} ";
        return metrics.lines().filter(line -> line.startsWith(prefix))
                .mapToLong(line -> Long.parseLong(line.substring(prefix.length()))).sum();
    }

    private static AgentInfo agentInfo(AgentPassword agent) throws Exception {
        return read(coordinator.get(coordinator.client("/api/v1/agents")), 200, AgentList.class).agents().stream()
                .filter(info -> info.id().equals(agent.id())).findFirst().orElseThrow();
    }

    private static UUID submit(String name, Set<Tag> tags) {
        return coordinator.submit(name, tags);
    }
}
