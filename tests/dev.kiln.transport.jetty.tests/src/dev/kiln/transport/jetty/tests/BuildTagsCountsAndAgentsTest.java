package dev.kiln.transport.jetty.tests;

import static dev.kiln.transport.jetty.tests.BuildLifecycleTest.json;
import static dev.kiln.transport.jetty.tests.BuildLifecycleTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

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
        assertEquals(Map.of("scheduled", 3L), counts.states());
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
        assertTrue(fetched.builds().stream().anyMatch(build -> build.id().equals(id.toString())));
        AgentInfo afterFetch = agentInfo(agent);
        assertEquals(0.25, afterFetch.load());
        assertEquals(1000, afterFetch.freeSlots());
        assertTrue(afterFetch.builds().stream().anyMatch(build -> build.id().equals(id.toString())
                && build.state().equals("allocated")), afterFetch.toString());

        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/status")
                .POST(json("{\"running\":[],\"load\":3.5,\"freeSlots\":2}")).build()), 200, Object.class);
        AgentInfo afterStatus = agentInfo(agent);
        assertEquals(3.5, afterStatus.load());
        assertEquals(2, afterStatus.freeSlots());
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/status")
                .POST(json("{\"running\":[]}")).build()), 200, Object.class);
        assertEquals(3.5, agentInfo(agent).load(), "an agent without the field keeps its last report");
    }

    private static AgentInfo agentInfo(AgentPassword agent) throws Exception {
        return read(coordinator.get(coordinator.client("/api/v1/agents")), 200, AgentList.class).agents().stream()
                .filter(info -> info.id().equals(agent.id())).findFirst().orElseThrow();
    }

    private static UUID submit(String name, Set<Tag> tags) {
        return coordinator.submit(name, tags);
    }
}
