package dev.kiln.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;


/**
 * Why builds wait, on a farm of the real products with derivations made by {@code nix-instantiate}: one agent with one
 * slot is busy with a long build and holds the next; a build that requires {@code kvm} waits for an agent that has it,
 * a build of the long one's dependent waits for that input, and a routine build waits behind an urgent one. Each says
 * so in the API, in {@code kiln build why} (text and JSON) and, for the blocked one, in its graph; cancelling the long
 * build with its dependents ends both.
 */
class WhyBuildsWaitTest {

    private static final Duration WAIT = Duration.ofSeconds(180);

    private static final String DERIVATIONS = """
            let
              mk = name: script: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh";
                args = [ "-c" script ]; } // extra);
              long = mk "long" "/bin/sleep 600; /bin/echo done > $out" {};
            in {
              inherit long;
              dependent = mk "dependent" "/bin/echo ${long} > $out" {};
              vm = mk "vm-test" "/bin/echo in a vm > $out" { requiredSystemFeatures = [ "kvm" ]; };
              filler = mk "filler" "/bin/echo filler > $out" {};
              urgent = mk "urgent" "/bin/echo urgent > $out" {};
              routine = mk "routine" "/bin/echo routine > $out" {};
            }
            """;

    @Test
    void aBuildSaysWhetherItWaitsForAFeatureAnInputOrHigherPriorities(@TempDir Path temp) throws Exception {
        Map<String, Path> drv = Farm.instantiate(temp.resolve("nix"), DERIVATIONS,
                List.of("long", "dependent", "vm", "filler", "urgent", "routine"));

        try (Farm farm = Farm.start(temp.resolve("farm"))) {
            farm.startAgent("one-slot", "x86_64-linux", 1);
            String longBuild = farm.submit(drv.get("long"));
            await(farm, "the long build starts", () -> "started".equals(farm.build(longBuild).path("state").asText()));

            // The agent holds one more build than it runs, to start it as soon as its slot frees.
            String filler = farm.submit(drv.get("filler"));
            await(farm, "the agent holds a build for its slot",
                    () -> "allocated".equals(farm.build(filler).path("state").asText()));
            String urgent = farm.submit(drv.get("urgent"), "--priority", "10");
            String routine = farm.submit(drv.get("routine"));
            String dependent = farm.submit(drv.get("dependent"));
            String vm = farm.submit(drv.get("vm"));

            JsonNode blocked = awaitReasons(farm, dependent, "inputs-not-built");
            assertEquals(longBuild, blocked.path("inputs").get(0).path("build").asText());
            assertEquals("started", blocked.path("inputs").get(0).path("state").asText());
            assertEquals("no agent has kvm", awaitReasons(farm, vm, "no-able-agent").path("detail").asText());
            JsonNode queue = awaitReasons(farm, routine, "agents-busy").path("queue");
            assertEquals(2, queue.path("position").asInt(), queue.toString());
            assertEquals(1, queue.path("aheadByPriority").asInt(), queue.toString());
            assertEquals(urgent, queue.path("ahead").get(0).path("build").asText());
            assertEquals("higher-priority", queue.path("ahead").get(0).path("reason").asText());

            JsonNode why = farm.kilnJson("build", "why", routine);
            assertEquals("agents-busy", why.path("reasons").get(0).path("kind").asText(), why.toString());
            String text = farm.kiln("build", "why", dependent).succeeded(List.of("kiln build why"));
            assertTrue(text.contains("1. 1 input not built yet: long (started)"), text);
            text = farm.kiln("build", "why", vm).succeeded(List.of("kiln build why"));
            assertTrue(text.contains("1. no agent has kvm"), text);
            text = farm.kiln("build", "why", routine).succeeded(List.of("kiln build why"));
            assertTrue(text.contains("1. ready, position 2 of 3 in x86_64-linux: 1 before it by priority"), text);
            assertTrue(text.contains("before it (higher-priority, priority 10): " + urgent), text);

            JsonNode graph = farm.kilnJson("build", "graph", dependent);
            assertEquals(List.of(drv(farm, dependent), drv(farm, longBuild)), strings(graph.path("blockingPath")));
            String dot = farm.kiln("build", "graph", dependent, "--dot").succeeded(List.of("kiln build graph --dot"));
            assertTrue(dot.contains("\"" + drv(farm, longBuild) + "\" -> \"" + drv(farm, dependent)
                    + "\" [color=red, penwidth=3];"), dot);

            JsonNode canceled = farm.kilnJson("build", "cancel", longBuild, "--with-dependents");
            assertEquals(List.of(longBuild, dependent), ids(canceled.path("builds")));
            for (String id : List.of(longBuild, dependent)) {
                assertEquals("canceled", farm.build(id).path("state").asText());
            }
            await(farm, "the urgent build is built once the slot is free",
                    () -> "succeeded".equals(farm.build(urgent).path("state").asText()));
        }
    }

    /** Waits until the build's only reason is of this kind (and, for busy agents, has its place in the queue). */
    private static JsonNode awaitReasons(Farm farm, String id, String kind) throws Exception {
        JsonNode[] reasons = new JsonNode[1];
        await(farm, "build " + id + " waits for " + kind + " alone", () -> {
            try {
                reasons[0] = farm.get("/api/v1/builds/" + id + "/waiting").path("reasons");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return reasons[0].size() == 1 && kind.equals(reasons[0].get(0).path("kind").asText())
                    && (!kind.equals("agents-busy") || reasons[0].get(0).path("queue").isObject());
        });
        return reasons[0].get(0);
    }

    private static void await(Farm farm, String what, java.util.function.BooleanSupplier condition)
            throws Exception {
        Farm.awaitUntil(what, WAIT, farm.coordinatorState().resolveSibling("coordinator.log"), condition);
    }

    private static String drv(Farm farm, String id) {
        return farm.build(id).path("derivation").asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(node -> strings.add(node.asText()));
        return strings;
    }

    private static List<String> ids(JsonNode builds) {
        List<String> ids = new ArrayList<>();
        builds.forEach(build -> ids.add(build.path("id").asText()));
        return ids;
    }
}
