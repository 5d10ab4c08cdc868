package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.views.GraphLayout;
import dev.kiln.desktop.model.views.GraphLayout.Edge;
import dev.kiln.desktop.model.views.GraphLayout.Link;
import dev.kiln.desktop.model.views.GraphLayout.Node;
import dev.kiln.desktop.model.views.GraphLayout.Vertex;
import dev.kiln.protocol.BuildState;

class GraphLayoutTest {

    @Test
    void placesEachDerivationOneLayerPastItsDeepestInput() {
        // a -> b -> d, a -> c -> d, and a -> d directly: d goes after the longest path.
        GraphLayout layout = GraphLayout.of(List.of(vertex("d", true, false), vertex("c"), vertex("b"), vertex("a")),
                List.of(link("a", "b"), link("a", "c"), link("b", "d"), link("c", "d"), link("a", "d")), 0);

        Map<String, Node> nodes = byName(layout);
        assertEquals(0, nodes.get("a").layer());
        assertEquals(1, nodes.get("b").layer());
        assertEquals(1, nodes.get("c").layer());
        assertEquals(2, nodes.get("d").layer());
        assertEquals(3, layout.layers());
        assertEquals(2, layout.height());
        assertEquals("d", name(layout.root()));
        assertEdgesRunRightwards(layout);
    }

    @Test
    void ordersALayerByItsInputsSoThatEdgesDoNotCross() {
        // By name alone x would sit above y, and their edges from b (below) and a (above) would cross.
        GraphLayout layout = GraphLayout.of(List.of(vertex("a"), vertex("b"), vertex("x"), vertex("y")),
                List.of(link("b", "x"), link("a", "y")), 0);

        Map<String, Node> nodes = byName(layout);
        assertEquals(0, crossings(layout));
        assertTrue(nodes.get("y").row() < nodes.get("x").row(), "y follows a, above b");
    }

    @Test
    void marksTheEdgesOfTheBlockingPath() {
        GraphLayout layout = GraphLayout.of(List.of(vertex("top", true, true), vertex("failed", false, true),
                vertex("fine")), List.of(link("failed", "top"), link("fine", "top")), 3);

        Map<String, Node> nodes = byName(layout);
        List<Edge> blocking = layout.edges().stream().filter(Edge::blocking).toList();
        assertEquals(1, blocking.size());
        assertEquals(nodes.get("failed"), layout.nodes().get(blocking.get(0).input()));
        assertEquals(List.of("failed", "top"), layout.blockingPath().stream().map(GraphLayoutTest::name).sorted()
                .toList());
        assertEquals(3, layout.omitted());
    }

    @Test
    void dropsLinksToDerivationsLeftOut() {
        GraphLayout layout = GraphLayout.of(List.of(vertex("kept")), List.of(link("left-out", "kept")), 1);

        assertEquals(1, layout.nodes().size());
        assertEquals(List.of(), layout.edges());
        assertEquals(0, layout.nodes().get(0).layer());
    }

    @Test
    void laysOutAClosureOfThousandsOfDerivations() {
        // 3,000 derivations in a random order-respecting graph, up to 4 inputs each.
        Random random = new Random(21);
        int count = 3000;
        List<Vertex> vertices = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            vertices.add(vertex("drv" + i, i == count - 1, false));
            for (int input = 0; i > 0 && input < 1 + random.nextInt(4); input++) {
                links.add(link("drv" + random.nextInt(i), "drv" + i));
            }
        }

        GraphLayout layout = GraphLayout.of(vertices, links, 0);

        assertEquals(count, layout.nodes().size());
        assertEdgesRunRightwards(layout);
        assertEquals(count, layout.nodes().stream().map(node -> node.layer() + "/" + node.row()).distinct().count(),
                "no two derivations share a place");
    }

    private static void assertEdgesRunRightwards(GraphLayout layout) {
        for (Edge edge : layout.edges()) {
            assertTrue(layout.nodes().get(edge.input()).layer() < layout.nodes().get(edge.dependent()).layer(),
                    edge + " runs from an input to what needs it, left to right");
        }
        assertFalse(layout.nodes().isEmpty());
    }

    private static int crossings(GraphLayout layout) {
        int crossings = 0;
        List<Edge> edges = layout.edges();
        for (int i = 0; i < edges.size(); i++) {
            for (int j = i + 1; j < edges.size(); j++) {
                Node a1 = layout.nodes().get(edges.get(i).input());
                Node a2 = layout.nodes().get(edges.get(i).dependent());
                Node b1 = layout.nodes().get(edges.get(j).input());
                Node b2 = layout.nodes().get(edges.get(j).dependent());
                if (a1.layer() == b1.layer() && a2.layer() == b2.layer()
                        && Integer.signum(a1.row() - b1.row()) * Integer.signum(a2.row() - b2.row()) < 0) {
                    crossings++;
                }
            }
        }
        return crossings;
    }

    private static Map<String, Node> byName(GraphLayout layout) {
        return layout.nodes().stream().collect(Collectors.toMap(GraphLayoutTest::name, Function.identity()));
    }

    private static String name(Node node) {
        return node.name().replace(".drv", "");
    }

    private static Vertex vertex(String name) {
        return vertex(name, false, false);
    }

    private static Vertex vertex(String name, boolean root, boolean blocking) {
        return new Vertex(path(name), UUID.randomUUID(), BuildState.SCHEDULED, 0, blocking, root);
    }

    private static Link link(String input, String dependent) {
        return new Link(path(input), path(dependent));
    }

    private static String path(String name) {
        return "/nix/store/0000000000000000000000000000000" + name.length() + "-" + name + ".drv";
    }
}
